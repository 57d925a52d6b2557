"""The work lists of models, evaluations, determinations, contests, appeals and re-reviews (SPEC 18):
visibility per role (SPEC 15), filters, the CSV export and constant query counts."""

import csv
import io
import re

import pytest
from django.test import Client

from governance.audit.models import AuditEvent
from governance.cases import services
from governance.workflows import cases as workflows
from tests.factories import queries_for

pytestmark = pytest.mark.django_db

LISTS = ["/models/", "/evaluations/", "/determinations/", "/contests/", "/appeals/", "/re-reviews/"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode()


def appealed_model(world, name: str, **kwargs):
    """A Tier 3 model whose contest was decided by regulator2 and appealed."""
    model = world.register(name, **kwargs)
    world.evidence(model, "bio", "0.6000")
    developer = world.dev_aurora if model.developer == world.aurora else world.dev_borealis
    contest = services.file_contest(
        by=developer,
        determination=model.determinations.get(status="in_force"),
        grounds="Contaminated.",
        requested_tier=2,
    )
    contest = services.assign_adjudicator(contest=contest, by=world.regulator, adjudicator=world.regulator2)
    contest = workflows.decide_contest(contest=contest, by=world.regulator2, outcome="upheld", reasons="It stands.")
    services.file_appeal(by=developer, contest=contest, grounds="The adjudicator erred.")
    return model


@pytest.fixture
def two_orgs(world):
    world.regulator2.first_name, world.regulator2.last_name = "Ada", "Quill"
    world.regulator2.save()
    return appealed_model(world, "Aster"), appealed_model(
        world, "Secretmodel", developer=world.borealis, released=False
    )


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("who", ["dev_aurora", "evaluator"])
def test_lists_never_show_another_organisations_unreleased_model(world, two_orgs, path, who):
    client = client_for(getattr(world, who))
    page = client.get(path)
    assert page.status_code == 200
    if who == "evaluator" and path == "/evaluations/":
        # The evaluator submitted the result on Secretmodel: SPEC 15 lets it read that result.
        assert "Secretmodel" in page.content.decode()
        return
    assert "Secretmodel" not in page.content.decode()
    assert "Secretmodel" not in csv_text(client.get(path + "?export=csv"))
    if who == "dev_aurora":
        assert "Aster" in page.content.decode()


@pytest.mark.parametrize("path", LISTS[:5])
def test_staff_see_every_organisations_rows(world, two_orgs, path):
    body = client_for(world.regulator).get(path).content.decode()
    assert "Secretmodel" in body and "Aster" in body


def test_anonymous_visitors_are_sent_to_sign_in(world):
    for path in LISTS:
        response = Client().get(path + "?export=csv")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_people_by_full_name_and_rows_linking_to_their_pages(world, two_orgs):
    aster, _secret = two_orgs
    client = client_for(world.regulator)
    contests = client.get(f"/contests/?developer={world.aurora.pk}").content.decode()
    assert "Ada Quill" in contests and "regulator2" not in contests
    contest = aster.contests.get()
    assert f'href="/contests/{contest.pk}/"' in contests
    rows = list(csv.reader(io.StringIO(csv_text(client.get(f"/contests/?developer={world.aurora.pk}&export=csv")))))
    assert len(rows) == 2 and "Ada Quill" in rows[1] and contest.reference in rows[1]
    assert f'href="/appeals/{contest.appeal.pk}/"' in client.get("/appeals/?search=aster").content.decode()


def test_filters_the_export_follows(world, two_orgs):
    client = client_for(world.regulator)
    models = csv_text(client.get("/models/?released=false&export=csv"))
    assert "Secretmodel" in models and "Aster" not in models
    determinations = csv_text(client.get(f"/determinations/?developer={world.borealis.pk}&state=in_force&export=csv"))
    assert "Secretmodel" in determinations and "Aster" not in determinations
    assert csv_text(client.get("/contests/?state=filed&export=csv")).count("\n") == 1, "the header only"
    assert client.get("/contests/?due_before=notadate").status_code == 400
    assert client.get("/evaluations/?state=nonsense&export=csv").status_code == 400


@pytest.mark.parametrize("path", LISTS)
def test_lists_ask_the_same_number_of_queries_for_one_or_many_rows(world, path):
    client = client_for(world.regulator)

    appealed_model(world, "One")
    one = queries_for(client, path)
    for name in ("Two", "Three"):
        appealed_model(world, name, developer=world.borealis)
    assert queries_for(client, path) == one


def test_a_regulator_accepts_ticked_results_in_bulk(world, two_orgs):
    aster, secret = two_orgs
    pending = [world.evidence(model, "cyber", "0.2000", accept=False) for model in (aster, secret)]
    client = client_for(world.regulator)
    page = client.get("/evaluations/?state=submitted").content.decode()
    assert 'name="select"' in page and "Accept the selected results" in page
    assert "select" not in csv_text(client.get("/evaluations/?state=submitted&export=csv")).splitlines()[0]
    response = client.post("/evaluations/accept/", {"select": [str(r.pk) for r in pending] + ["999999"]})
    assert response.status_code == 302
    for result in pending:
        result.refresh_from_db()
        assert (result.status, result.reviewed_by) == ("accepted", world.regulator)
    assert (
        AuditEvent.objects.filter(action="evaluation.accepted", object_id__in=[str(r.pk) for r in pending]).count() == 2
    )
    followed = client.get(response["Location"]).content.decode()
    assert "2 results accepted; 1 not awaiting review were left as they were." in followed


def test_bulk_accept_is_for_reviewers_only(world, two_orgs):
    aster, _secret = two_orgs
    result = world.evidence(aster, "cyber", "0.2000", accept=False)
    developer = client_for(world.dev_aurora)
    assert 'name="select"' not in developer.get("/evaluations/").content.decode()
    assert developer.post("/evaluations/accept/", {"select": [str(result.pk)]}).status_code == 403
    result.refresh_from_db()
    assert result.status == "submitted"


@pytest.mark.parametrize("path", ["/contests/", "/appeals/", "/re-reviews/"])
def test_every_sortable_header_of_a_case_list_answers(world, two_orgs, path):
    client = client_for(world.regulator)
    page = client.get(path).content.decode()
    headers = set(re.findall(r"\?ordering=(-?\w+)", page))
    assert {"reference", "model", "state", "due_date"} <= {h.lstrip("-") for h in headers}
    for header in headers:
        response = client.get(f"{path}?ordering={header}")
        assert response.status_code == 200, header
        assert "Aster" in response.content.decode(), header
