"""Hugging Face interoperability and requesters' sign-up (SPEC 21)."""

import re

import pytest
import yaml
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from governance.access.models import RequesterProfile
from governance.registry.models import AIModel

pytestmark = pytest.mark.django_db

CARD = """---
license: apache-2.0
model_name: Lumen-3B-Instruct
base_model: aurora-labs/Lumen-3B
base_model_relation: finetune
---
# Lumen-3B-Instruct
An instruction-tuned Lumen.
"""


def test_gating_snippet_follows_the_tier(gate, api):
    tier3 = gate.model(3)
    tier1 = gate.model(1)
    body = api(gate.world.dev_aurora).get(f"/api/v1/models/{tier3.pk}/gating/").json()
    metadata = body["card_metadata"]
    assert metadata["gated"] == "manual"
    assert "research purpose" in " ".join(metadata["extra_gated_fields"]).lower()
    assert metadata["extra_gated_prompt"].startswith("I will use these weights only for the research purpose")
    assert yaml.safe_load(body["snippet"]) == metadata
    assert api().get(f"/api/v1/models/{tier1.pk}/gating/").json()["card_metadata"] == {"gated": False}


def test_registering_a_model_from_its_card_takes_the_parent(gate, api):
    base = gate.world.register("Lumen-3B")
    upload = SimpleUploadedFile("README.md", CARD.encode(), content_type="text/markdown")
    response = api(gate.world.dev_aurora).post("/api/v1/models/import-card/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["parent"], body["derivation"], body["warnings"]) == (
        "Lumen-3B-Instruct",
        base.pk,
        "fine_tune",
        [],
    )


def test_a_card_whose_parent_is_not_registered_says_so(gate, api):
    upload = SimpleUploadedFile("README.md", CARD.encode(), content_type="text/markdown")
    body = api(gate.world.dev_aurora).post("/api/v1/models/import-card/", {"file": upload}, format="multipart").json()
    assert body["parent"] is None
    assert "base_model 'aurora-labs/Lumen-3B' is not registered here." in body["warnings"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"---\nmodel_name: m\nbase_model: x\nbase_model_relation: distilled\n---\n", "not one of"),
        (b"\xff\xfe not text", "not UTF-8"),
        (b"---\n: : bad\n - x\n---\n", "cannot be read"),
    ],
)
def test_a_bad_card_is_a_clear_400(gate, api, content, message):
    upload = SimpleUploadedFile("README.md", content, content_type="text/markdown")
    response = api(gate.world.dev_aurora).post("/api/v1/models/import-card/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert message in str(response.json())
    assert not AIModel.objects.exists()


def test_sign_up_confirms_by_a_signed_link(gate, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://testserver"
    browser = Client()
    page = browser.get("/accounts/signup/")
    assert page.status_code == 200 and b"Legal name" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            "/accounts/signup/",
            {
                "username": "newcomer",
                "email": "newcomer@example.org",
                "password": "a-long-enough-passphrase",
                "legal_name": "Nora Newcomer",
                "country": "se",
                "affiliation": gate.institute.pk,
            },
        )
    assert response.status_code == 200 and b"Check your e-mail" in response.content
    profile = RequesterProfile.objects.get(user__username="newcomer")
    assert (profile.country, profile.affiliation, profile.user.is_active) == ("SE", gate.institute, False)
    credentials = {"username": "newcomer", "password": "a-long-enough-passphrase"}
    assert browser.post("/accounts/login/", credentials).status_code == 200  # the form again: inactive
    link = re.search(r"http://testserver(/accounts/confirm/\S+/)", mail.outbox[-1].body).group(1)
    assert browser.get(link[:-5] + "xxxx/").status_code == 400
    confirmed = browser.get(link)
    assert confirmed.status_code == 200 and b"confirmed" in confirmed.content
    assert browser.post("/accounts/login/", credentials).status_code == 302
    assert list(profile.user.groups.values_list("name", flat=True)) == ["requester"]


def test_sign_up_keeps_the_input_and_names_the_problem(gate):
    response = Client().post(
        "/accounts/signup/",
        {"username": "x", "email": "x@example.org", "password": "short", "legal_name": "Xavier", "country": "Germany"},
    )
    assert response.status_code == 400
    assert b"two-letter" in response.content and b'value="Xavier"' in response.content
    assert not RequesterProfile.objects.filter(user__username="x").exists()
