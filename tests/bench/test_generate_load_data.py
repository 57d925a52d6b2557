"""``manage.py generate_load_data`` (SPEC 19 benchmarks): a small synthetic population that
is consistent with the tier rule, and the command's refusal to mix with other data."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from governance.baselines.selectors import threshold_set_in_force
from governance.demo.management.commands.generate_load_data import THRESHOLD_VERSION, load_models
from governance.determinations.models import Determination
from governance.evidence.models import EvaluationResult
from governance.registry.models import Organization
from governance.workflows.revalidation import revalidate_all

pytestmark = pytest.mark.django_db


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_load_data", stdout=out, **options)
    return out.getvalue()


def test_generates_a_population_consistent_with_the_tier_rule():
    output = generate(models=60)

    models = load_models()
    assert models.count() == 60
    assert "models              60" in output
    assert threshold_set_in_force().version == THRESHOLD_VERSION

    results = EvaluationResult.objects.filter(model__in=models)
    assert 10.5 <= results.count() / 60 <= 13.5
    assert not results.exclude(status="accepted").exists()
    assert not results.exclude(provenance="accredited").exists()

    derivatives = models.filter(parent__isnull=False)
    assert derivatives.exists()
    assert not derivatives.filter(derivation="").exists()
    assert not models.filter(parent__isnull=True).exclude(derivation="").exists()

    in_force = Determination.objects.filter(status=Determination.Status.IN_FORCE)
    per_model = dict(in_force.values_list("model").annotate(n=Count("id")))
    assert set(per_model) == set(models.values_list("id", flat=True))
    assert set(per_model.values()) == {1}
    mirror = dict(models.values_list("id", "current_tier"))
    assert dict(in_force.values_list("model_id", "tier")) == mirror
    assert len(set(mirror.values())) > 1

    assert revalidate_all().written == 0


def test_refuses_a_database_with_other_data():
    Organization.objects.create(name="Aurora Labs", kind="developer")
    with pytest.raises(CommandError, match="not load data"):
        generate(models=5)
    assert not load_models().exists()


def test_refuses_to_add_to_existing_load_data_without_reset():
    generate(models=5)
    with pytest.raises(CommandError, match="already exist"):
        generate(models=5)
    assert load_models().count() == 5


@pytest.mark.django_db(transaction=True)
def test_reset_empties_the_database_and_restores_the_migrated_reference_data():
    from django.contrib.auth.models import Group

    from governance.compliance.models import ObligationTemplate
    from governance.registry.models import RiskDomain

    Organization.objects.create(name="Aurora Labs", kind="developer")
    output = generate(models=8, reset=True)

    assert "Emptying the database" in output
    assert not Organization.objects.filter(name="Aurora Labs").exists()
    assert load_models().count() == 8
    assert RiskDomain.objects.count() == 6
    assert {"regulator", "board", "developer"} <= set(Group.objects.values_list("name", flat=True))
    assert ObligationTemplate.objects.exists()
