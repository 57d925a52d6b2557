"""Checks for uploaded evidence files: size (413) and type (400), with their SHA-256.

A binary type must start with its magic bytes; a text type must be UTF-8 text throughout
(no control character but tab, line breaks, form feed and escape; no invalid sequence: a
program or a PDF renamed ``.txt`` is refused), and a
``.json`` file must parse as JSON."""

import codecs
import hashlib
import json
import re
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


# Bytes no text file holds: the C0 controls but tab, line feed, form feed, carriage return
# and escape (terminal logs keep their colours), and DEL.
NOT_TEXT = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    size: int
    sha256: str
    content_type: str


def check_upload(upload: UploadedFile, *, field: str = "files") -> CheckedUpload:
    """Refuse files over ``MAX_UPLOAD_BYTES`` (413) and of types not on the list (400)."""
    name = Path(upload.name or "").name[:200]
    if (upload.size or 0) > settings.MAX_UPLOAD_BYTES:  # refused before reading, when its size is told
        raise TooLarge(_too_large(name, upload.size or 0))
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise Invalid(fields={field: [f"{name}: files of this type are not accepted (allowed: {allowed})."]})
    content_type, magics = ALLOWED_TYPES[suffix]
    digest = hashlib.sha256()
    head = b""
    text = codecs.getincrementaldecoder("utf-8")() if magics is None else None
    is_text = True
    size = 0  # what was read, whatever size the upload declared
    for chunk in upload.chunks():
        size += len(chunk)
        if size > settings.MAX_UPLOAD_BYTES:
            raise TooLarge(_too_large(name, size))
        if len(head) < 16:
            head += chunk[:16]
        digest.update(chunk)
        if text is not None and is_text:
            is_text = _text_chunk(text, chunk)
    upload.seek(0)
    if magics is not None and not any(head.startswith(m) for m in magics):
        raise Invalid(fields={field: [f"{name}: the content is not a {suffix[1:]} file."]})
    if text is not None and not (is_text and _text_chunk(text, b"", final=True)):
        raise Invalid(fields={field: [f"{name}: the content is not UTF-8 text."]})
    if suffix == ".json" and not _parses_as_json(upload):
        raise Invalid(fields={field: [f"{name}: the content is not valid JSON."]})
    return CheckedUpload(name=name, size=size, sha256=digest.hexdigest(), content_type=content_type)


def _too_large(name: str, size: int) -> str:
    return f"{name} is {size} bytes; files may be at most {settings.MAX_UPLOAD_BYTES} bytes."


def _text_chunk(decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool = False) -> bool:
    if NOT_TEXT.search(chunk):
        return False
    try:
        decoder.decode(chunk, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _parses_as_json(upload: UploadedFile) -> bool:
    """Whether the (size-bounded, already UTF-8) file is one JSON document."""
    try:
        json.loads(upload.read())
    except (ValueError, RecursionError):
        return False
    finally:
        upload.seek(0)
    return True
