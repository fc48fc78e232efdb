"""Serving a stored file to someone the view has already let in: through Django's storage
API, never a public media URL. Shown by the browser (a PDF in its viewer, a photo full
size: `open_inline`, `stream_inline`) or saved (`download`)."""

from typing import Any

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

# The file is the whole document: nothing in it may load anything else or be framed.
# (Chromium's PDF viewer shows a PDF under it.)
FILE_POLICY = "default-src 'none'; frame-ancestors 'none'"
# A photo opened on its own is drawn by the browser's image viewer, which centres it with
# inline styles of its own. A raster image has no markup that could use them (SVG, which
# has, is never accepted: `products.uploads`).
IMAGE_VIEWER_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def open_inline(
    field_file: FieldFile, *, filename: str, content_type: str
) -> FileResponse | HttpResponseRedirect:
    """The file shown by the browser itself: from the bucket where the storage signs its
    URLs (it is then shown in the bucket's origin, not ours), otherwise streamed."""
    response = _signed_redirect(field_file, filename=filename, content_type=content_type)
    if response is not None:
        return response
    streamed = stream_inline(field_file, filename=filename, content_type=content_type)
    if content_type.startswith("image/"):
        streamed["Content-Security-Policy"] = IMAGE_VIEWER_POLICY
    return streamed


def download(
    field_file: FieldFile, *, filename: str, content_type: str
) -> FileResponse | HttpResponseRedirect:
    """The file saved as `filename`: from the bucket where the storage signs its URLs,
    otherwise streamed."""
    response = _signed_redirect(
        field_file, filename=filename, content_type=content_type, attachment=True
    )
    if response is not None:
        return response
    return _streamed(field_file, filename=filename, content_type=content_type, attachment=True)


def stream_inline(field_file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """The file streamed from the storage through the app, shown inline: for a photo a page
    draws (<img>) whatever the storage, since the pages' Content-Security-Policy admits
    images from our origin only and a redirect to the bucket would be blocked there."""
    return _streamed(field_file, filename=filename, content_type=content_type, attachment=False)


def _signed_redirect(
    field_file: FieldFile, *, filename: str, content_type: str, attachment: bool = False
) -> HttpResponseRedirect | None:
    """On a storage that signs its URLs (django-storages' S3, which signs the response's
    headers too), a redirect to a short-lived signed URL that answers with `content_type`
    and the disposition asked for: the browser fetches the object from the bucket."""
    storage: Any = field_file.storage
    if not getattr(storage, "querystring_auth", False):
        return None
    return HttpResponseRedirect(
        storage.url(
            field_file.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(attachment, filename),
                "ResponseContentType": content_type,
            },
        )
    )


def _streamed(
    field_file: FieldFile, *, filename: str, content_type: str, attachment: bool
) -> FileResponse:
    # The stored type, never sniffed: an upload was checked to be what it says
    # (`products.uploads`), and what the app renders is what it says.
    response = FileResponse(
        field_file.open("rb"),
        content_type=content_type,
        as_attachment=attachment,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    # Not kept by the browser either (no max-age): a business's documents must not stay
    # on an office's shared computer after its user signed out.
    response["Cache-Control"] = "private, no-store"
    return response
