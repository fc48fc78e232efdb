"""Certificate numbers and verification codes.

The number (`SKE/<region code>/<year>/<serial>`) comes from one `CertificateCounter` row
per region and year, allocated inside the issuing transaction so the serials have no gaps
and no repeats; the verification code printed beside it is random.
"""

import secrets

from django.db import transaction

from certificates.models import CertificateCounter
from products.models import Region

NUMBER_PREFIX = "SKE"  # Sertifikat Kesiapan Ekspor
# Lower-case letters and digits without the look-alikes (0/o, 1/l/i): easy to read off a
# print and to type. 20 of 31 symbols is about 99 bits: not guessable, not enumerable.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 20


def format_number(region_code: str, year: int, serial: int) -> str:
    return f"{NUMBER_PREFIX}/{region_code}/{year}/{serial:05d}"


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def certificate_number_allocate(*, region: Region, year: int) -> int:
    """The next serial for `region` in `year`. Must run inside the issuing transaction.

    The counter row is locked until that transaction ends, so concurrent certifications
    in one region take turns and get consecutive serials; a rollback undoes the
    increment with everything else, so a number is never burnt nor given twice. (On
    SQLite the IMMEDIATE transaction mode serialises writers the same way.)
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Allocate a certificate number inside the issuing transaction.")
    # Make sure the row exists without racing another transaction creating it: the
    # insert is skipped on conflict, then everyone locks the one row.
    CertificateCounter.objects.bulk_create(
        [CertificateCounter(region=region, year=year)], ignore_conflicts=True
    )
    counter = CertificateCounter.objects.select_for_update().get(region=region, year=year)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return counter.last_serial
