"""What an uploaded file really is, decided from its content, and the name it is stored under.

The browser's claimed type and the file's name are never trusted: a renamed executable
is refused because its bytes are not a PDF or an image, and the stored name is made by
the server so a hostile name cannot reach the storage.
"""

import hashlib
import secrets
import warnings
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ACCEPTED_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
}
# An image with more pixels than this is refused before it is decoded (decompression bomb).
MAX_IMAGE_PIXELS = 40_000_000


@dataclass(frozen=True)
class InspectedFile:
    content_type: str
    size: int
    sha256: str


def server_file_name(folder: str, original_name: str) -> str:
    """A fresh, unguessable name under `folder`, with the extension of the detected type.

    `original_name` is used for nothing but its extension, which `inspect_upload` has
    already replaced by the one the content proves.
    """
    suffix = PurePath(original_name).suffix.lower()
    if suffix not in ACCEPTED_TYPES.values():
        suffix = ""
    return f"{folder}/{timezone.now():%Y/%m}/{secrets.token_urlsafe(16)}{suffix}"


def inspect_upload(uploaded) -> InspectedFile:
    """Check an uploaded file; raise ValidationError saying what is wrong with it."""
    max_bytes = settings.UPLOAD_MAX_BYTES
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s MB; the largest accepted is %(max)s MB."),
            code="too_large",
            # The size rounded up and the limit rounded down, so a file one byte too big
            # is never shown as the same size as the limit.
            params={
                "size": _megabytes(uploaded.size, ROUND_CEILING),
                "max": _megabytes(max_bytes, ROUND_FLOOR),
            },
        )
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    uploaded.seek(0)
    head = uploaded.read(8192)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else None
    if content_type not in ACCEPTED_TYPES:
        raise ValidationError(
            _(
                "Only PDF, JPEG, PNG and WebP files are accepted; this file's content is not one of them."
            ),
            code="bad_type",
        )
    if content_type.startswith("image/"):
        _check_image(uploaded)
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    uploaded.name = f"upload{ACCEPTED_TYPES[content_type]}"
    return InspectedFile(content_type=content_type, size=uploaded.size, sha256=digest.hexdigest())


def _megabytes(size: int, rounding) -> str:
    megabytes = (Decimal(size) / 1_048_576).quantize(Decimal("0.1"), rounding=rounding)
    return f"{megabytes.normalize():f}"


def _check_image(uploaded) -> None:
    uploaded.seek(0)
    try:
        # Pillow warns, then refuses, past its own pixel limit; ours is lower and is
        # checked from the header alone, before any pixel is decoded.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(uploaded)
        with image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("The image is %(width)s×%(height)s pixels; please send a smaller one."),
                    code="too_many_pixels",
                    params={"width": width, "height": height},
                )
            image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ValidationError(
            _("The image has too many pixels; please send a smaller one."), code="too_many_pixels"
        ) from e
    except (UnidentifiedImageError, OSError, SyntaxError) as e:
        raise ValidationError(_("The image is damaged and cannot be read."), code="broken") from e
    finally:
        uploaded.seek(0)
