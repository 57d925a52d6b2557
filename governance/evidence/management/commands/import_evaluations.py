from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from governance.evidence.imports import import_log
from governance.platform.errors import DomainError
from governance.registry.models import AIModel


class Command(BaseCommand):
    help = "Import an Inspect AI log (.json or .eval) or lm-evaluation-harness results for a model."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--model", type=int, required=True, help="The model's id.")
        parser.add_argument("--as", dest="username", default="evaluator", help="Submitting user (default: evaluator).")

    def handle(self, *args, file: Path, model: int, username: str, **options) -> None:
        try:
            target = AIModel.objects.get(pk=model)
            user = get_user_model().objects.get(username=username)
        except (AIModel.DoesNotExist, get_user_model().DoesNotExist) as error:
            raise CommandError(str(error)) from error
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        upload = SimpleUploadedFile(file.name, file.read_bytes())
        try:
            with transaction.atomic():
                report = import_log(by=user, model=target, upload=upload)
        except DomainError as error:
            raise CommandError(error.message or str(error.fields)) from error
        for result, warnings in report.rows():
            self.stdout.write(f"created #{result.pk}: {result.benchmark.slug} raw {result.raw_score}")
            for warning in warnings:
                self.stdout.write(f"  warning: {warning}")
        for problem in report.errors:
            self.stderr.write(f"error: {problem['task']}: {problem['reason']}")
        self.stdout.write(self.style.SUCCESS(f"{len(report.created)} created, {len(report.errors)} errors."))
