"""Certificate numbers and verification codes.

The number (`SKE/<office code>/<year>/<serial>`) comes from one `CertificateCounter` row
per issuing office and year, allocated inside the issuing transaction so the serials have
no gaps and no repeats; the verification code printed beside it is random. (The offices
made from the regions' staff took their home region's code, and its counter: their
series go on unchanged, `certificates` migration 0005.)
"""

import secrets

from django.db import transaction
from django.db.models import Max

from certificates.models import Certificate, CertificateCounter
from offices.models import Office

NUMBER_PREFIX = "SKE"  # Sertifikat Kesiapan Ekspor
# Lower-case letters and digits without the look-alikes (0/o, 1/l/i): easy to read off a
# print and to type. 20 of 31 symbols is about 99 bits: not guessable, not enumerable.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 20


def format_number(office_code: str, year: int, serial: int) -> str:
    return f"{NUMBER_PREFIX}/{office_code}/{year}/{serial:05d}"


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def certificate_number_allocate(*, office: Office, year: int) -> int:
    """The next serial of `office` in `year`. Must run inside the issuing transaction.

    The counter row is locked until that transaction ends, so concurrent certifications
    by one office take turns and get consecutive serials; a rollback undoes the
    increment with everything else, so a number is never burnt nor given twice. (On
    SQLite the IMMEDIATE transaction mode serialises writers the same way.)
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Allocate a certificate number inside the issuing transaction.")
    counter = CertificateCounter.objects.select_for_update().filter(office=office, year=year)
    locked = counter.first()
    if locked is None:
        # The office's first certificate of the year. Make sure the row exists without
        # racing another transaction creating it (the insert is skipped on conflict), then
        # everyone locks the one row.
        CertificateCounter.objects.bulk_create(
            [CertificateCounter(office=office, year=year, last_serial=_printed(office, year))],
            ignore_conflicts=True,
        )
        locked = counter.get()
    locked.last_serial += 1
    locked.save(update_fields=["last_serial"])
    return locked.last_serial


def _printed(office: Office, year: int) -> int:
    """The highest serial already printed in this office's series for `year`: 0, unless
    its code was once a region's whose certificates were numbered before its office's
    counter existed (a new office given that region's code)."""
    prefix = format_number(office.code, year, 0).removesuffix("00000")
    printed = Certificate.objects.filter(number__startswith=prefix).aggregate(n=Max("serial"))
    return printed["n"] or 0
