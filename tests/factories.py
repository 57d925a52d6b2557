"""factory_boy factories for the suite. Domain writes in tests go through the services;
factories build the surrounding fixtures (users, organisations, benchmarks)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from governance.registry.models import (
    Accreditation,
    AccreditationCoverage,
    AIModel,
    Benchmark,
    Membership,
    Organization,
    RiskDomain,
)

PASSWORD = "governance-demo"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Org {n}")
    kind = Organization.Kind.DEVELOPER
    jurisdiction = "EU"
    accredited = False


class EvaluatorOrgFactory(OrganizationFactory):
    """An evaluator; ``accredited`` (the default) gives it an accreditation for every risk
    domain, valid from 2000 to 2099."""

    class Meta:
        skip_postgeneration_save = True

    kind = Organization.Kind.EVALUATOR
    accredited = True

    @factory.post_generation
    def accreditation(self, create, extracted, **kwargs):
        if create and self.accredited and not self.accreditations.exists():
            accredit(self)


def accredit(organization: Organization, domains=None, valid_from=date(2000, 1, 1), valid_until=date(2099, 12, 31)):
    """An accreditation written directly (a fixture; the services grant them in the tests
    about accreditation), with its periods of coverage."""
    domains = list(domains if domains is not None else RiskDomain.objects.all())
    accreditation = Accreditation.objects.create(
        organization=organization, valid_from=valid_from, valid_until=valid_until, reasons="Fixture."
    )
    accreditation.domains.set(domains)
    AccreditationCoverage.objects.bulk_create(
        AccreditationCoverage(
            accreditation=accreditation,
            organization=organization,
            domain=domain,
            starts_at=timezone.make_aware(datetime.combine(valid_from, time.min)),
            ends_at=timezone.make_aware(datetime.combine(valid_until + timedelta(days=1), time.min)),
        )
        for domain in domains
    )
    return accreditation


class UserFactory(factory.django.DjangoModelFactory):
    """``UserFactory(roles=["developer"], organization=org)``."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=role)[0])
        self.save()

    @factory.post_generation
    def organization(self, create, extracted, **kwargs):
        if extracted is not None:
            Membership.objects.update_or_create(user=self, defaults={"organization": extracted})


def domain(slug: str) -> RiskDomain:
    return RiskDomain.objects.get(slug=slug)


class BenchmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Benchmark
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"bench-{n}")
    name = factory.LazyAttribute(lambda b: b.slug.replace("-", " ").title())
    version = "1.0"
    domain = factory.LazyFunction(lambda: RiskDomain.objects.get(slug="bio"))
    scale_min = Decimal("0")
    scale_max = Decimal("1")
    higher_is_more_capable = True
    metric = "accuracy"
    external_id = factory.LazyAttribute(lambda b: b.slug.replace("-", "_"))
    standardized = True


class AIModelFactory(factory.django.DjangoModelFactory):
    """Builds a model row directly, without a determination (use the services for that)."""

    class Meta:
        model = AIModel

    name = factory.Sequence(lambda n: f"Model {n}")
    version = "1.0"
    developer = factory.SubFactory(OrganizationFactory)
    parameter_count = 7_000_000_000
    released = True


TODAY = date(2026, 11, 25)


def hold_hearing(appeal) -> None:
    """Let time reach the appeal's scheduled hearing (votes come at or after it, SPEC 6):
    the hearing moves to a minute ago, as if the clock had run on."""
    from datetime import timedelta

    from django.utils import timezone

    from governance.cases.models import Appeal

    Appeal.objects.filter(pk=appeal.pk).update(hearing_at=timezone.now() - timedelta(minutes=1))
    appeal.refresh_from_db()


def assigned_contest(world, name: str, *, adjudicator):
    """A new Tier 3 model of Aurora's, contested (asking for Tier 2) and assigned to ``adjudicator``."""
    from governance.cases import services

    model = world.register(name)
    world.evidence(model, "bio", "0.6000")
    contest = services.file_contest(
        by=world.dev_aurora,
        determination=model.determinations.get(status="in_force"),
        grounds="Contaminated.",
        requested_tier=2,
    )
    return services.assign_adjudicator(contest=contest, by=world.regulator, adjudicator=adjudicator)


def queries_for(client, path: str) -> int:
    """How many queries the page at ``path`` asks (it must answer 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def client_for(user):
    """A test client signed in as ``user``."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def csv_rows(response) -> list[list[str]]:
    """The rows of a list's ``?export=csv`` (it must answer 200 with CSV)."""
    import csv
    import io

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
