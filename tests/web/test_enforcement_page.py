"""The enforcement case page (SPEC 9, issue 15): what opened the case, the re-review it
opened, its docket with staff-only notes; reachable from the list and the dashboard."""

import pytest
from django.test import Client

from governance.cases import services as cases
from governance.compliance import services as compliance

pytestmark = pytest.mark.django_db

SECRET = "The logs look back-dated."


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def breach(world):
    model = world.register("Lumen", developer=world.aurora)
    world.compliance.first_name, world.compliance.last_name = "Cora", "Compliance"
    world.compliance.save()
    return compliance.open_enforcement(
        model=model, kind="re_review", reason="Register audit overdue.", by=world.compliance
    )


def test_staff_read_the_case_its_rereview_and_docket_and_add_a_note(world, breach):
    officer = _client(world.compliance)
    page = officer.get(f"/enforcement/{breach.pk}/").content.decode()
    assert f"Enforcement case {breach.reference}" in page and "Register audit overdue." in page
    assert "Enforcement case opened" in page and "by Cora Compliance" in page
    assert f'href="/re-reviews/{breach.rereview_id}/"' in page and breach.rereview.reference in page
    assert officer.post(f"/enforcement/{breach.pk}/note/", {"text": SECRET}).status_code == 302
    page = officer.get(f"/enforcement/{breach.pk}/").content.decode()
    assert SECRET in page and "staff only" in page and "Atom feed" not in page


def test_the_developer_reads_its_case_without_notes_and_others_get_404(world, breach):
    cases.add_note(case=breach, by=world.regulator, text=SECRET)
    developer = _client(world.dev_aurora).get(f"/enforcement/{breach.pk}/")
    assert developer.status_code == 200
    body = developer.content.decode()
    assert breach.reference in body and SECRET not in body and "Add an internal note" not in body
    assert _client(world.dev_borealis).get(f"/enforcement/{breach.pk}/").status_code == 404
    assert _client(world.dev_aurora).post(f"/enforcement/{breach.pk}/note/", {"text": "Mine."}).status_code == 404


def test_the_list_and_the_dashboard_link_to_the_case(world, breach):
    officer = _client(world.compliance)
    link = f'href="/enforcement/{breach.pk}/"'
    assert link in officer.get("/enforcement/").content.decode()
    assert link in officer.get("/").content.decode()


def test_the_page_takes_constant_queries(world, breach, django_assert_max_num_queries):
    officer = _client(world.compliance)
    officer.get(f"/enforcement/{breach.pk}/")
    for n in range(5):
        cases.add_note(case=breach, by=world.regulator, text=f"Note {n}.")
    with django_assert_max_num_queries(16):
        assert officer.get(f"/enforcement/{breach.pk}/").status_code == 200
