"""The access register as CSV: one layout for the API's export and the compliance
submission generated for an ``access_register_audit`` period."""

import csv
import io
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from governance.access.models import RegisterEntry
from governance.platform.csv import safe_row

COLUMNS = ["at", "kind", "model", "model_name", "requester", "grant", "host", "tier", "allowed", "reason"]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _row(entry: RegisterEntry) -> list[object]:
    return safe_row(
        [
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
    )


def csv_lines(entries: QuerySet[RegisterEntry]) -> Iterator[str]:
    """The header, then one line per entry, streamed."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for entry in entries.select_related("model", "host").iterator(chunk_size=2000):
        yield writer.writerow(_row(entry))


def csv_text(entries: QuerySet[RegisterEntry]) -> str:
    buffer = io.StringIO()
    buffer.writelines(csv_lines(entries))
    return buffer.getvalue()


def summary(kinds: Iterable[tuple[str, bool | None]]) -> dict[str, int]:
    """Counts per kind of entry, checks split into allowed and refused."""
    counts: dict[str, int] = {}
    for kind, allowed in kinds:
        key = kind if kind != "check" else ("checks_allowed" if allowed else "checks_refused")
        counts[key] = counts.get(key, 0) + 1
    return counts
