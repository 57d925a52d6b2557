"""factory_boy factories for the suite. Domain writes in tests go through the services;
factories build the surrounding fixtures (users, organisations, benchmarks)."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from governance.registry.models import AIModel, Benchmark, Membership, Organization, RiskDomain

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
    kind = Organization.Kind.EVALUATOR
    accredited = True


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
