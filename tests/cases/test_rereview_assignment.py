"""Re-review assignment (issue 15): the one assign service, its API action, the case page's
Assign/Reassign and the bulk Assign of the ``/re-reviews/`` list."""

import pytest

from governance.audit.models import AuditEvent
from governance.cases import services
from governance.cases.models import ConflictOfInterest, ReReview
from governance.notifications.models import Notification
from governance.platform.errors import IllegalTransition, Invalid, NotAllowed
from governance.workflows import cases as workflows
from tests.factories import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(world):
    for user, first, last in ((world.regulator2, "Ada", "Quill"), (world.regulator3, "Ben", "Okafor")):
        user.first_name, user.last_name = first, last
        user.save()
    return world


def rereview_of(world, name: str, developer=None) -> ReReview:
    model = world.register(name, developer=developer)
    return services.open_rereview(model=model, trigger="own_motion", reason="Press reports.")


def events(rereview: ReReview) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="rereview.assigned", object_id=str(rereview.pk)).order_by("seq"))


def inbox(user, rereview: ReReview) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, event="rereview_assigned", object_id=str(rereview.pk)))


# The service


def test_assigning_records_who_and_tells_the_assignee(named):
    world = named
    rereview = rereview_of(world, "Aster")
    assigned = services.assign_rereview(rereview=rereview, by=world.regulator, assignee=world.regulator2)
    assert (assigned.assignee, assigned.state) == (world.regulator2, "open")
    [event] = events(rereview)
    assert event.actor == world.regulator
    assert event.changes == {"assignee": [None, world.regulator2.pk]}
    assert event.organization_id == world.aurora.pk
    [note] = inbox(world.regulator2, rereview)
    assert note.subject == f"{rereview.reference}: re-review of {rereview.model} assigned to you"
    assert f"due by {rereview.due_date.isoformat()}" in note.body and note.link == f"/re-reviews/{rereview.pk}/"


def test_reassigning_tells_the_previous_assignee_it_no_longer_awaits_them(named):
    world = named
    rereview = rereview_of(world, "Aster")
    services.assign_rereview(rereview=rereview, by=world.regulator, assignee=world.regulator2)
    services.assign_rereview(rereview=rereview, by=world.regulator, assignee=world.regulator3)
    rereview.refresh_from_db()
    assert rereview.assignee == world.regulator3
    assert [e.changes["assignee"] for e in events(rereview)] == [
        [None, world.regulator2.pk],
        [world.regulator2.pk, world.regulator3.pk],
    ]
    told = [n.body for n in inbox(world.regulator2, rereview)]
    assert "The re-review was reassigned to Ben Okafor; it no longer awaits you." in told
    assert len(inbox(world.regulator3, rereview)) == 1


def test_an_in_progress_rereview_can_be_handed_over(named):
    world = named
    rereview = services.start_rereview(rereview=rereview_of(world, "Aster"), by=world.regulator)
    handed = services.assign_rereview(rereview=rereview, by=world.regulator, assignee=world.regulator2)
    assert (handed.state, handed.assignee) == ("in_progress", world.regulator2)
    assert "it no longer awaits you" in inbox(world.regulator, rereview)[0].body


@pytest.mark.parametrize("who", ["compliance", "dev_aurora", "auditor", "evaluator"])
def test_only_a_regulator_can_be_the_assignee(named, who):
    world = named
    rereview = rereview_of(world, "Aster")
    with pytest.raises(Invalid) as raised:
        services.assign_rereview(rereview=rereview, by=world.regulator, assignee=getattr(world, who))
    assert "assignee" in raised.value.fields
    rereview.refresh_from_db()
    assert rereview.assignee is None and events(rereview) == []


def test_a_regulator_with_a_conflict_cannot_be_the_assignee(named):
    world = named
    rereview = rereview_of(world, "Aster")
    ConflictOfInterest.objects.create(regulator=world.regulator2, organization=world.aurora)
    with pytest.raises(Invalid) as raised:
        services.assign_rereview(rereview=rereview, by=world.regulator, assignee=world.regulator2)
    assert raised.value.fields == {"assignee": [services.rereviews.NOT_ELIGIBLE]}
    assert inbox(world.regulator2, rereview) == [] and events(rereview) == []
    other = rereview_of(world, "Nimbus", developer=world.borealis)
    assert services.assign_rereview(rereview=other, by=world.regulator, assignee=world.regulator2).assignee_id


def test_only_regulators_assign(named):
    world = named
    rereview = rereview_of(world, "Aster")
    for who in (world.compliance, world.dev_aurora):
        with pytest.raises(NotAllowed):
            services.assign_rereview(rereview=rereview, by=who, assignee=world.regulator2)
    assert events(rereview) == []


def test_a_closed_rereview_cannot_be_assigned(named):
    world = named
    done = workflows.complete_rereview(
        rereview=rereview_of(world, "Aster"), by=world.regulator, outcome="no_change", rationale="Still fits."
    )
    cancelled = rereview_of(world, "Nimbus")
    ReReview.objects.filter(pk=cancelled.pk).update(state="cancelled")
    for rereview in (done, cancelled):
        with pytest.raises(IllegalTransition):
            services.assign_rereview(rereview=rereview, by=world.regulator, assignee=world.regulator2)
        assert events(rereview) == []


# The API


def test_assign_over_the_api(named, api):
    world = named
    rereview = rereview_of(world, "Aster")
    path = f"/api/v1/re-reviews/{rereview.pk}/assign/"
    response = api(world.regulator).post(path, {"assignee": world.regulator2.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["assignee"] == world.regulator2.pk and response.json()["state"] == "open"
    listed = api(world.regulator).get(f"/api/v1/re-reviews/?assignee={world.regulator2.pk}").json()
    assert [row["id"] for row in listed["results"]] == [rereview.pk]


def test_api_refusals(named, api):
    world = named
    rereview = rereview_of(world, "Aster")
    path = f"/api/v1/re-reviews/{rereview.pk}/assign/"
    regulator = api(world.regulator)
    wrong = regulator.post(path, {"assignee": world.compliance.pk}, format="json")
    assert wrong.status_code == 400 and wrong.json() == {"assignee": [services.rereviews.NOT_ELIGIBLE]}
    missing = regulator.post(path, {"assignee": 999999}, format="json")
    assert missing.status_code == 400 and "assignee" in missing.json()
    assert regulator.post(path, {}, format="json").json() == {"assignee": ["This field is required."]}
    assert regulator.post(path, {"assignee": "x"}, format="json").status_code == 400
    assert api(world.dev_aurora).post(path, {"assignee": world.regulator2.pk}, format="json").status_code == 403
    assert api(world.dev_borealis).post(path, {"assignee": world.regulator2.pk}, format="json").status_code == 404
    regulator.post(path, {"assignee": world.regulator2.pk}, format="json")
    again = regulator.post(path, {"assignee": world.regulator2.pk}, format="json")
    assert again.status_code == 409 and "already assigned to Ada Quill" in again.json()["detail"]
    workflows.complete_rereview(rereview=rereview, by=world.regulator2, outcome="no_change", rationale="Fits.")
    closed = regulator.post(path, {"assignee": world.regulator3.pk}, format="json")
    assert closed.status_code == 409 and closed.json() == {"detail": "Cannot assign a re-review that is completed."}
    rereview.refresh_from_db()
    assert rereview.assignee == world.regulator2


# The case page


def test_the_case_page_assigns_then_reassigns(named):
    world = named
    rereview = rereview_of(world, "Aster")
    regulator = client_for(world.regulator)
    page = regulator.get(f"/re-reviews/{rereview.pk}/").content.decode()
    assert "Assign a regulator" in page and "Ada Quill" in page and "not yet assigned" in page
    response = regulator.post(f"/re-reviews/{rereview.pk}/assign/", {"assignee": world.regulator2.pk}, follow=True)
    body = response.content.decode()
    assert "Assigned to Ada Quill." in body and "Reassign to another regulator" in body
    assert "Assignee: Ada Quill" in body, "the docket's entry names the assignee"
    refused = regulator.post(f"/re-reviews/{rereview.pk}/assign/", {"assignee": world.compliance.pk}, follow=True)
    assert "Select a valid choice" in refused.content.decode()
    assert "Reassign" not in client_for(world.dev_aurora).get(f"/re-reviews/{rereview.pk}/").content.decode()
    rereview.refresh_from_db()
    assert rereview.assignee == world.regulator2


def test_a_developer_cannot_assign_from_the_case_page(named):
    world = named
    rereview = rereview_of(world, "Aster")
    response = client_for(world.dev_aurora).post(
        f"/re-reviews/{rereview.pk}/assign/", {"assignee": world.regulator2.pk}
    )
    assert response.status_code == 403
    rereview.refresh_from_db()
    assert rereview.assignee is None


# The bulk action


def test_a_regulator_assigns_ticked_rereviews_in_bulk_and_hears_of_each_refusal(named):
    world = named
    aster, nimbus = rereview_of(world, "Aster"), rereview_of(world, "Nimbus")
    conflicted = rereview_of(world, "Orion", developer=world.borealis)
    ConflictOfInterest.objects.create(regulator=world.regulator2, organization=world.borealis)
    closed = rereview_of(world, "Vega")
    ReReview.objects.filter(pk=closed.pk).update(state="cancelled")
    regulator = client_for(world.regulator)
    page = regulator.get("/re-reviews/").content.decode()
    assert 'name="select"' in page and "Assign the selected re-reviews" in page and 'id="bulk_assignee"' in page
    ticked = [aster.pk, nimbus.pk, conflicted.pk, closed.pk, 999999]
    response = regulator.post("/re-reviews/assign/", {"select": ticked, "assignee": world.regulator3.pk})
    assert response.status_code == 302 and response["Location"] == f"/re-reviews/?assignee={world.regulator3.pk}"
    assert set(ReReview.objects.filter(assignee=world.regulator3).values_list("pk", flat=True)) == {
        aster.pk,
        nimbus.pk,
        conflicted.pk,
    }
    response = regulator.post("/re-reviews/assign/", {"select": ticked, "assignee": world.regulator2.pk}, follow=True)
    body = response.content.decode()
    assert "2 re-reviews assigned to Ada Quill." in body
    assert f"{conflicted.reference}: Assignee: {services.rereviews.NOT_ELIGIBLE}" in body
    assert f"{closed.reference}: Cannot assign a re-review that is cancelled." in body
    assert "1 of the ticked re-reviews could not be found." in body
    assert set(ReReview.objects.filter(assignee=world.regulator2).values_list("pk", flat=True)) == {aster.pk, nimbus.pk}
    assert ReReview.objects.get(pk=conflicted.pk).assignee == world.regulator3, "a refused row is left as it was"
    assert len(events(aster)) == 2 and len(events(conflicted)) == 1
    told = sorted(n.subject for n in inbox(world.regulator3, aster))
    assert told == [f"{aster.reference}: re-review of Aster 1.0 assigned to you", f"{aster.reference}: reassigned"]


def test_bulk_assignment_needs_rows_and_a_regulator(named):
    world = named
    rereview = rereview_of(world, "Aster")
    regulator = client_for(world.regulator)
    none = regulator.post("/re-reviews/assign/", {"assignee": world.regulator2.pk}, follow=True)
    assert "Tick at least one re-review to assign." in none.content.decode()
    nobody = regulator.post(
        "/re-reviews/assign/", {"select": [rereview.pk], "assignee": world.compliance.pk}, follow=True
    )
    assert "Assign to: Select a valid choice" in nobody.content.decode()
    rereview.refresh_from_db()
    assert rereview.assignee is None


def test_bulk_assignment_is_for_regulators_only(named):
    world = named
    rereview = rereview_of(world, "Aster")
    developer = client_for(world.dev_aurora)
    assert 'name="select"' not in developer.get("/re-reviews/").content.decode()
    assert (
        developer.post("/re-reviews/assign/", {"select": [rereview.pk], "assignee": world.regulator2.pk}).status_code
        == 403
    )
    assert client_for(world.compliance).post("/re-reviews/assign/", {"select": [rereview.pk]}).status_code == 403
    rereview.refresh_from_db()
    assert rereview.assignee is None


def test_the_export_leaves_out_the_tick_column(named):
    world = named
    rereview_of(world, "Aster")
    response = client_for(world.regulator).get("/re-reviews/?export=csv")
    header = b"".join(response.streaming_content).decode().splitlines()[0]
    assert header == "Reference,Model,Trigger,Assignee,State,Due"
