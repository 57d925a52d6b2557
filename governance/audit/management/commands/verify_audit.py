from django.core.management.base import BaseCommand, CommandError

from governance.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail and report the first broken link."

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"Audit chain BROKEN at event #{report.first_broken} ({report.events} events read).")
        self.stdout.write(self.style.SUCCESS(f"Audit chain OK: {report.events} events, head {report.head}"))
