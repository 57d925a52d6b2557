"""Checks for uploaded evidence files: size (413) and type (400), with their SHA-256."""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from governance.platform.errors import Invalid, TooLarge

# Extension → the magic bytes a real file of that type starts with (None: plain text).
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".zip": ("application/zip", (b"PK\x03\x04",)),
    ".eval": ("application/zip", (b"PK\x03\x04",)),
    ".txt": ("text/plain", None),
    ".md": ("text/markdown", None),
    ".csv": ("text/csv", None),
    ".json": ("application/json", None),
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    size: int
    sha256: str
    content_type: str


def check_upload(upload: UploadedFile, *, field: str = "files") -> CheckedUpload:
    """Refuse files over ``MAX_UPLOAD_BYTES`` (413) and of types not on the list (400)."""
    name = Path(upload.name or "").name[:200]
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise TooLarge(f"{name} is {upload.size} bytes; files may be at most {settings.MAX_UPLOAD_BYTES} bytes.")
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise Invalid(fields={field: [f"{name}: files of this type are not accepted (allowed: {allowed})."]})
    content_type, magics = ALLOWED_TYPES[suffix]
    digest = hashlib.sha256()
    head = b""
    text = magics is None
    for chunk in upload.chunks():
        if len(head) < 16:
            head += chunk[:16]
        digest.update(chunk)
        if text and b"\x00" in chunk:
            raise Invalid(fields={field: [f"{name}: the content is not text."]})
    upload.seek(0)
    if magics is not None and not any(head.startswith(m) for m in magics):
        raise Invalid(fields={field: [f"{name}: the content is not a {suffix[1:]} file."]})
    if suffix == ".json" and not _is_json(upload):
        raise Invalid(fields={field: [f"{name}: the content is not JSON."]})
    return CheckedUpload(name=name, size=upload.size, sha256=digest.hexdigest(), content_type=content_type)


def _is_json(upload: UploadedFile) -> bool:
    """Whether the (size-checked) file parses as JSON; deep nesting and huge numbers too are not."""
    try:
        json.loads(upload.read())
    except (RecursionError, ValueError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return False
    finally:
        upload.seek(0)
    return True
