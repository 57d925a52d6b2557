"""Reading a peer's register (SPEC 23): this system's JSON register over HTTP, page by page,
or a CSV in the layout of ``/api/v1/register.csv``. Everything is checked before anything
is stored: a reading is whole or it is an error that says what is wrong."""

import csv
import io
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.dateparse import parse_datetime

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 2000


class ReadError(Exception):
    """The register could not be read; the message says why, for the peer's page."""


@dataclass(frozen=True)
class PeerRow:
    name: str
    version: str
    tier: int
    weights_sha256: str = ""
    in_force_from: datetime | None = None


def _row(raw: Any, where: str) -> PeerRow:
    if not isinstance(raw, dict):
        raise ReadError(f"{where}: an entry is an object with name, version and current_tier.")
    name, version = raw.get("name"), raw.get("version")
    tier: Any = raw.get("current_tier")  # anything the JSON holds: int() below says if it is a tier
    if not isinstance(name, str) or not name.strip() or not isinstance(version, str | int | float):
        raise ReadError(f"{where}: name and version are required.")
    try:
        tier = int(tier)
    except (TypeError, ValueError):
        raise ReadError(f"{where}: current_tier {tier!r} is not a tier.") from None
    if tier not in (1, 2, 3, 4):
        raise ReadError(f"{where}: current_tier {tier} is not a tier (1-4).")
    digest = raw.get("weights_sha256") or ""
    if not isinstance(digest, str) or (digest and len(digest) != 64):
        raise ReadError(f"{where}: weights_sha256 is 64 hexadecimal characters.")
    when = raw.get("in_force_from")
    in_force_from = parse_datetime(when) if isinstance(when, str) and when else None
    if when and in_force_from is None:
        raise ReadError(f"{where}: in_force_from {when!r} is not a date and time.")
    return PeerRow(name.strip()[:200], str(version).strip()[:60], tier, digest.lower(), in_force_from)


def parse_json_page(body: bytes, where: str) -> tuple[list[PeerRow], str | None]:
    """One page of the JSON register: its rows and the next page's URL."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ReadError(f"{where}: the register is not JSON.") from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ReadError(f"{where}: expected this system's register format (an object with a results list).")
    rows = [_row(raw, f"{where}, entry {index + 1}") for index, raw in enumerate(data["results"])]
    following = data.get("next")
    if following is not None and not isinstance(following, str):
        raise ReadError(f"{where}: next is not a URL.")
    return rows, following


def parse_csv(content: bytes) -> list[PeerRow]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReadError("The CSV is not UTF-8 text.") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = {"name", "version", "current_tier"} - set(reader.fieldnames or [])
    if missing:
        raise ReadError(f"The CSV lacks the column(s) {', '.join(sorted(missing))} of /api/v1/register.csv.")
    try:
        return [_row(raw, f"CSV line {number + 2}") for number, raw in enumerate(reader)]
    except csv.Error as error:
        raise ReadError(f"The CSV cannot be read: {error}.") from None


def _get(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "Aperture peer reader"})
    try:
        with urllib.request.urlopen(request, timeout=settings.PEER_READ_TIMEOUT_SECONDS) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise ReadError(f"{url} answered HTTP {error.code}.") from None
    except TimeoutError:
        raise ReadError(f"{url} did not answer within {settings.PEER_READ_TIMEOUT_SECONDS} s.") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise ReadError(f"{url} did not answer within {settings.PEER_READ_TIMEOUT_SECONDS} s.") from None
        raise ReadError(f"{url} could not be reached: {reason}.") from None
    if len(body) > MAX_BYTES:
        raise ReadError(f"{url} sent more than {MAX_BYTES} bytes.")
    return body


def fetch(url: str) -> list[PeerRow]:
    """Every page of the register at ``url``."""
    rows: list[PeerRow] = []
    seen: set[str] = set()
    page: str | None = url
    while page is not None:
        if urlsplit(page).scheme not in ("http", "https"):
            raise ReadError(f"{page} is not an http(s) URL.")
        if page in seen or len(seen) >= MAX_PAGES:
            raise ReadError(f"{url}: the pages do not end (at {page}).")
        seen.add(page)
        found, following = parse_json_page(_get(page), page)
        rows += found
        page = urljoin(page, following) if following else None
    return rows
