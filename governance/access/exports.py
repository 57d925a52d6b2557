"""The access register as CSV: one layout for the API's export and the compliance
submission generated for an ``access_register_audit`` period (cells neutralised as every
export's, :mod:`governance.platform.csv_export`)."""

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from governance.access.models import RegisterEntry
from governance.platform.csv_export import csv_lines, stream_csv

COLUMNS = ["at", "kind", "model", "model_name", "requester", "grant", "host", "tier", "allowed", "reason"]


def _rows(entries: QuerySet[RegisterEntry]) -> Iterator[list[object]]:
    for entry in entries.select_related("model", "host").iterator(chunk_size=2000):
        yield [
            entry.at.isoformat(),
            entry.kind,
            entry.model_id,
            str(entry.model),
            entry.requester_id,
            entry.grant_id or "",
            entry.host.name if entry.host is not None else "",
            entry.tier or "",
            "" if entry.allowed is None else ("yes" if entry.allowed else "no"),
            entry.reason,
        ]


def download(entries: QuerySet[RegisterEntry]) -> StreamingHttpResponse:
    return stream_csv(COLUMNS, _rows(entries), filename="aperture-access-register.csv")


def csv_text(entries: QuerySet[RegisterEntry]) -> str:
    return "".join(csv_lines(COLUMNS, _rows(entries)))


def summary(kinds: Iterable[tuple[str, bool | None]]) -> dict[str, int]:
    """Counts per kind of entry, checks split into allowed and refused."""
    counts: dict[str, int] = {}
    for kind, allowed in kinds:
        key = kind if kind != "check" else ("checks_allowed" if allowed else "checks_refused")
        counts[key] = counts.get(key, 0) + 1
    return counts
