"""Each endpoint accepts exactly one media type, in its parser classes and in the schema
(SPEC 16, issue 17 item 7): JSON, or multipart where files go. Form posts are refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

WITH_FILES = {
    ("post", "/api/v1/contests/"),
    ("post", "/api/v1/contests/{id}/provide-information/"),
    ("post", "/api/v1/appeals/"),
    ("post", "/api/v1/compliance-submissions/"),
    ("post", "/api/v1/evaluations/import/"),
    ("post", "/api/v1/models/import-card/"),
    ("post", "/api/v1/peers/{id}/import/"),
}


def test_every_request_body_is_json_or_where_files_go_multipart():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    declared = {
        (method, path): list(operation["requestBody"]["content"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    multipart = {key for key, types in declared.items() if types == ["multipart/form-data"]}
    assert multipart == WITH_FILES
    assert {tuple(types) for key, types in declared.items() if key not in WITH_FILES} == {("application/json",)}


def test_public_operations_need_no_credentials():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/auth/token/", "/api/v1/register/", "/api/v1/register.atom"):
        for operation in schema["paths"][path].values():
            assert operation["security"] == [], path
    atom = schema["paths"]["/api/v1/register.atom"]["get"]["responses"]["200"]
    assert list(atom["content"]) == ["application/atom+xml"] and "Atom 1.0" in atom["description"]


def test_a_form_post_is_415_and_json_where_files_go_is_415(world, api, client):
    refused = client.post("/api/v1/auth/token/", {"username": "dev-aurora", "password": "governance-demo"})
    assert refused.status_code == 415 and "detail" in refused.json()
    model = world.register("Aster")
    determination = model.determinations.get()
    body = {"determination": determination.pk, "grounds": "g", "requested_tier": 1}
    assert api(world.dev_aurora).post("/api/v1/contests/", body, format="json").status_code == 415
    pdf = SimpleUploadedFile("e.pdf", b"%PDF-1.7 x", content_type="application/pdf")
    filed = api(world.dev_aurora).post("/api/v1/contests/", {**body, "files": [pdf]}, format="multipart")
    assert filed.status_code == 201, filed.content
    assign = f"/api/v1/contests/{filed.json()['id']}/assign/"
    as_form = api(world.regulator).post(assign, {"adjudicator": world.regulator2.pk}, format="multipart")
    assert as_form.status_code == 415
    assert api(world.regulator).post(assign, {"adjudicator": world.regulator2.pk}).status_code == 200
