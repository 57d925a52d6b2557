"""SPEC section 22: accreditation becomes a record of its own. Every evaluator flagged
``accredited`` before it gets one accreditation covering every risk domain, valid from the
day the organisation was registered (so its results keep counting) for three years from
today, with periods of coverage to match."""

from datetime import datetime, time, timedelta

from django.db import migrations
from django.utils import timezone


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def accredit_existing(apps, schema_editor):
    Organization = apps.get_model("registry", "Organization")
    RiskDomain = apps.get_model("registry", "RiskDomain")
    Accreditation = apps.get_model("registry", "Accreditation")
    AccreditationCoverage = apps.get_model("registry", "AccreditationCoverage")
    domains = list(RiskDomain.objects.all())
    today = timezone.localdate()
    valid_until = today + timedelta(days=3 * 365)
    for organization in Organization.objects.filter(kind="evaluator", accredited=True):
        if Accreditation.objects.filter(organization=organization).exists():
            continue
        valid_from = min(timezone.localdate(organization.created_at), today)
        accreditation = Accreditation.objects.create(
            organization=organization,
            valid_from=valid_from,
            valid_until=valid_until,
            state="active",
            reasons="Accredited before accreditation records were kept: every risk domain.",
        )
        accreditation.domains.set(domains)
        AccreditationCoverage.objects.bulk_create(
            AccreditationCoverage(
                accreditation=accreditation,
                organization=organization,
                domain=domain,
                starts_at=_day_start(valid_from),
                ends_at=_day_start(valid_until + timedelta(days=1)),
            )
            for domain in domains
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_accreditation"),
    ]

    operations = [
        migrations.RunPython(accredit_existing, migrations.RunPython.noop),
    ]
