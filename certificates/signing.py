"""The key that signs certificate PDFs, and the PAdES signature.

Production signs with the office's own certificate (from a certified Indonesian
e-signature provider), given as a PKCS#12 file: SIGNING_PKCS12_PATH and
SIGNING_PKCS12_PASSPHRASE. Development and demos use a self-signed ECDSA P-256 key in
the same format, made by `manage.py create_signing_key`, so both go through one loader.
"""

import asyncio
import contextlib
import io
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

DEVELOPMENT_COMMON_NAME = "Siap Ekspor development signing key (not for production)"


class SigningKeyMissing(ImproperlyConfigured):
    pass


def _passphrase() -> bytes | None:
    return settings.SIGNING_PKCS12_PASSPHRASE.encode() or None


def create_development_key(
    path: Path,
    *,
    common_name: str = DEVELOPMENT_COMMON_NAME,
    days: int = 3650,
    overwrite: bool = False,
) -> x509.Certificate:
    """Make an ECDSA P-256 key and a self-signed certificate for it, and write both as one
    PKCS#12 file at `path` (encrypted with SIGNING_PKCS12_PASSPHRASE when set), plus the
    certificate alone as PEM beside it (to trust it in a PDF reader).

    Key and certificate travel in one file written whole, so a reader never sees a key
    with another key's certificate. Without `overwrite`, an existing file is kept
    (FileExistsError): two workers making the key at once end up using the same one.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Siap Ekspor"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            # Non-repudiation (content commitment) is what PDF validators expect of a
            # document-signing key.
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    passphrase = _passphrase()
    encryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    data = pkcs12.serialize_key_and_certificates(b"siap-ekspor", key, certificate, None, encryption)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_private(path, data, overwrite=overwrite)
    _write_private(
        path.with_suffix(".pem"),
        certificate.public_bytes(serialization.Encoding.PEM),
        overwrite=True,
    )
    return certificate


def _write_private(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write `data` whole and readable by its owner only; never half a file."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if overwrite:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # refuses to replace an existing file
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


# The signer last loaded by this process, with what identifies the file it came from.
_loaded: tuple[tuple, signers.SimpleSigner] | None = None


def load_signer() -> signers.SimpleSigner:
    """The signer configured in the settings, read once per process.

    The PKCS#12 file is parsed on the first call and kept; later calls only look at the
    file (`stat`) and read it again when it is another file or has changed (path, inode,
    size, modification time) or the passphrase setting has: replacing the key (a renewed
    office certificate, `create_signing_key --force`, a test's own key) takes effect on
    the next signature without a restart.

    When the PKCS#12 file does not exist: with DEBUG on, a development key is made on
    first use (so `make run` works on a fresh machine); with DEBUG off, signing fails
    with a message saying what to configure, and the certificate stays pending.
    """
    global _loaded
    path = Path(settings.SIGNING_PKCS12_PATH)
    if not path.exists():
        if not settings.DEBUG:
            raise SigningKeyMissing(
                f"No signing key at {path}. Set SIGNING_PKCS12_PATH (and "
                "SIGNING_PKCS12_PASSPHRASE) to the office's certificate, or run "
                "`manage.py create_signing_key` for a self-signed development key."
            )
        # Another process may make it at the same moment: then we use theirs.
        with contextlib.suppress(FileExistsError):
            create_development_key(path)
    stat = path.stat()
    passphrase = _passphrase()
    key = (str(path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns, passphrase)
    loaded = _loaded  # one read: another thread may replace it meanwhile
    if loaded is not None and loaded[0] == key:
        signer = loaded[1]
    else:
        try:
            signer = signers.SimpleSigner.load_pkcs12_data(
                path.read_bytes(), other_certs=[], passphrase=passphrase
            )
        except ValueError as e:
            raise ImproperlyConfigured(
                f"Cannot read the signing key at {path}: wrong SIGNING_PKCS12_PASSPHRASE, "
                "or not a PKCS#12 file."
            ) from e
        _loaded = (key, signer)
    # Checked on every call, not only on loading: DEBUG decides, not the cache.
    if not settings.DEBUG and is_development_key(signer):
        # A certificate signed with a key anyone can make proves nothing.
        raise SigningKeyMissing(
            f"The signing key at {path} is the development key: production signs only "
            "with the office's certificate (SIGNING_PKCS12_PATH)."
        )
    return signer


def forget_signer() -> None:
    """Drop the signer this process keeps (the next signature reads the file again)."""
    global _loaded
    _loaded = None


def is_development_key(signer: signers.SimpleSigner) -> bool:
    return signer.signing_cert.subject.native.get("common_name") == DEVELOPMENT_COMMON_NAME


# The space a signature takes in the PDF, worked out once per signer (see
# `_signature_space`), with the signer it is for.
_space: tuple[signers.Signer, int] | None = None


def _signature_space(signer: signers.Signer) -> int:
    """The bytes to reserve in the PDF for `signer`'s signature.

    Left to itself, pyHanko works this out for every document by making a whole dummy
    signature first, which is nearly half the time of signing. The size depends only on
    the signer (its certificate, its key's algorithm) and on the attributes signed, the
    same for every certificate, so it is worked out once per signer, the way pyHanko does
    it (a dummy signature, in hex, plus its 50 % margin)."""
    global _space
    known = _space
    if known is not None and known[0] is signer:
        return known[1]
    dummy = asyncio.run(
        signer.async_sign(
            hashes.Hash(hashes.SHA256()).finalize(),
            "sha256",
            dry_run=True,
            use_pades=True,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=datetime.now(UTC)),
        )
    )
    size = len(dummy.dump()) * 2
    size += 2 * (size // 4)
    _space = (signer, size)
    return size


def sign_pdf(pdf: bytes, *, signer: signers.Signer, reason: str, location: str) -> bytes:
    """Add an invisible PAdES (B-B) signature over the whole file."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name="Signature",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    return signers.sign_pdf(
        writer, metadata, signer=signer, bytes_reserved=_signature_space(signer)
    ).getvalue()
