import time

from django.core.management.base import BaseCommand, CommandError

from governance.workflows.revalidation import revalidate_all


class Command(BaseCommand):
    help = "Re-determine every model under the threshold set in force (set-based, chunked, idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--chunk-size", type=int, default=None)

    def handle(self, *args, dry_run: bool = False, chunk_size: int | None = None, **options) -> None:
        started = time.perf_counter()
        report = revalidate_all(chunk_size=chunk_size, dry_run=dry_run)
        if report.skipped_locked:
            raise CommandError("Another revalidation is running; it covers every model. Nothing was done.")
        prefix = "Would write" if dry_run else "Wrote"
        self.stdout.write(
            f"{report.models} models in {report.chunks} chunks, {time.perf_counter() - started:.1f} s. "
            f"{prefix} {report.initial} initial, {report.escalations} escalations, "
            f"{report.relaxations} relaxations pending confirmation."
        )
