"""The compliance work lists (SPEC 18): filters, CSV export, visibility (SPEC 15), query counts."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from governance.compliance import services
from governance.compliance.models import Obligation
from tests.factories import client_for, csv_rows, queries_for

pytestmark = pytest.mark.django_db

LISTS = ["/obligations/", "/submissions/", "/enforcement/"]


def tier3(world, name, **kwargs):
    model = world.register(name, **kwargs)
    world.evidence(model, "bio", "0.6000")
    return model


def periodic_obligation(model):
    """One of the model's live obligations that falls due (event-driven ones have no date)."""
    return Obligation.objects.filter(model=model, next_due__isnull=False).exclude(status="retired").first()


@pytest.fixture
def two_orgs(world):
    """Aurora's released model and Borealis's unreleased one, each with obligations, a submission
    and an enforcement case."""
    aurora = tier3(world, "Aster")
    hidden = tier3(world, "Secretmodel", developer=world.borealis, released=False)
    for model, dev in ((aurora, world.dev_aurora), (hidden, world.dev_borealis)):
        obligation = periodic_obligation(model)
        services.submit_evidence(by=dev, obligation=obligation, period_end=obligation.next_due)
        services.open_enforcement(model=model, kind="warning", reason="Late.", by=world.compliance)
    return aurora, hidden


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("who", ["dev_aurora", "evaluator"])
def test_lists_never_show_another_organisations_unreleased_model(world, two_orgs, path, who):
    client = client_for(getattr(world, who))
    page = client.get(path)
    assert page.status_code == 200
    assert "Secretmodel" not in page.content.decode()
    assert "Secretmodel" not in str(csv_rows(client.get(path + "?export=csv")))
    api_path = {"/submissions/": "/api/v1/compliance-submissions/"}.get(path, "/api/v1" + path)
    assert "Secretmodel" not in client.get(api_path).content.decode()
    if who == "dev_aurora":
        assert "Aster" in page.content.decode()


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("who", ["regulator", "compliance"])
def test_staff_see_every_organisations_rows(world, two_orgs, path, who):
    body = client_for(getattr(world, who)).get(path).content.decode()
    assert "Secretmodel" in body and "Aster" in body


def test_anonymous_visitors_are_sent_to_sign_in(world, two_orgs):
    for path in LISTS:
        response = Client().get(path + "?export=csv")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_obligation_filters_and_export_follow_each_other(world, two_orgs):
    aurora, _hidden = two_orgs
    overdue = Obligation.objects.filter(model=aurora).exclude(status="retired").last()
    Obligation.objects.filter(pk=overdue.pk).update(status="overdue", next_due=timezone.localdate() - timedelta(days=9))
    client = client_for(world.regulator)
    query = f"?state=overdue&developer={world.aurora.pk}&due_before={timezone.localdate()}"
    page = client.get("/obligations/" + query).content.decode()
    assert f"/obligations/{overdue.pk}/" in page
    assert "export=csv" in page and "state=overdue" in page.split("Export these rows")[0].rsplit("href=", 1)[-1]
    rows = csv_rows(client.get("/obligations/" + query + "&export=csv"))
    assert rows[0] == ["#", "Model", "Obligation", "Tier", "Due", "State"]
    assert [r[0] for r in rows[1:]] == [str(overdue.pk)]
    api = client.get("/api/v1/obligations/" + query).json()
    assert [r["id"] for r in api["results"]] == [overdue.pk]


def test_search_and_sorting(world, two_orgs):
    client = client_for(world.regulator)
    rows = csv_rows(client.get("/obligations/?search=aster&ordering=-next_due&export=csv"))[1:]
    assert rows and all(r[1] == "Aster" for r in rows)
    dated = [r[4] for r in rows if r[4] != "—"]  # where rows with no due date go is the database's choice
    assert len(dated) > 1 and dated == sorted(dated, reverse=True)


@pytest.mark.parametrize("path", LISTS)
def test_bad_filters_answer_400_and_list_nothing(world, two_orgs, path):
    client = client_for(world.regulator)
    assert client.get(path + "?developer=abc").status_code == 400
    assert client.get(path + "?developer=abc&export=csv").status_code == 400


@pytest.mark.parametrize("path", LISTS)
def test_lists_ask_the_same_number_of_queries_for_one_or_many_rows(world, path):
    client = client_for(world.regulator)

    model = tier3(world, "One")
    obligation = periodic_obligation(model)
    services.submit_evidence(by=world.dev_aurora, obligation=obligation, period_end=obligation.next_due)
    services.open_enforcement(model=model, kind="warning", reason="Late.", by=world.compliance)
    one = queries_for(client, path)
    for name in ("Two", "Three", "Four"):
        model = tier3(world, name)
        obligation = periodic_obligation(model)
        services.submit_evidence(by=world.dev_aurora, obligation=obligation, period_end=obligation.next_due)
        services.open_enforcement(model=model, kind="warning", reason="Late.", by=world.compliance)
    assert queries_for(client, path) == one
