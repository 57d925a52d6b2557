"""Helpers for the import tests: the sample logs and posting one to the import endpoint."""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

SAMPLES = Path(__file__).parent / "samples"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (SAMPLES / name).read_bytes())


def post(api, user, model, file):
    return api(user).post("/api/v1/evaluations/import/", {"model": model.pk, "file": file}, format="multipart")


def stored_logs() -> list[Path]:
    """The files the importer keeps (``evaluations/`` under the media root)."""
    return sorted(path for path in (Path(settings.MEDIA_ROOT) / "evaluations").rglob("*") if path.is_file())
