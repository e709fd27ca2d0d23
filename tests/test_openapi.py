"""`/openapi.json`: a valid OpenAPI 3.1 document made from the app's routes, one description per API route,
every form's schema (with its shared parts) for its submission body, and answers as it describes them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
from openapi_spec_validator import validate
from starlette.testclient import TestClient

from core.settings import Settings
from server import create_app, routes
from tests.conftest import api_key, form_client
from tests.samples import KANTELU
from web.openapi import OPERATIONS, api_routes


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_every_api_route_has_a_description_and_every_description_a_route() -> None:
    served = set(api_routes(routes()))
    assert served - set(OPERATIONS) == set(), "describe these in web/openapi.py OPERATIONS"
    assert set(OPERATIONS) - served == set(), "these descriptions have no route"


def test_every_route_is_in_the_document(document: dict[str, Any]) -> None:
    listed = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert set(api_routes(routes())) <= listed


def pointed(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    target: Any = document
    for token in ref[2:].split("/"):
        target = target[unquote(token).replace("~1", "/").replace("~0", "~")]
    return target


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in refs(value)]
    return [r for value in node for r in refs(value)] if isinstance(node, list) else []


def test_every_ref_points_inside_the_document(document: dict[str, Any]) -> None:
    found = refs(document)
    assert "#/components/schemas/common.person" in found
    for ref in found:
        pointed(document, ref)


def test_each_form_has_its_own_path_with_its_schema_as_the_body(document: dict[str, Any]) -> None:
    operation = document["paths"]["/api/v1/forms/kantelu/submissions"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/kantelu"}
    kantelu = document["components"]["schemas"]["kantelu"]
    assert kantelu["title"] == "Kantelu" and "$id" not in kantelu
    assert "#/components/schemas/common.person" in refs(kantelu)
    assert all(ref.startswith("#/components/schemas/") for ref in refs(document["components"]["schemas"]))


def conforms(document: dict[str, Any], path: str, method: str, response: Any) -> None:
    """`response` as the document says `method` on `path` answers: a listed status, its media type, its schema."""
    described = document["paths"][path][method]["responses"][str(response.status_code)]
    ((media, content),) = described["content"].items()
    assert response.headers["content-type"].split(";")[0] == media
    schema = content["schema"]
    if "$ref" in schema:
        schema = pointed(document, schema["$ref"])
    jsonschema.validate(response.json(), {**schema, "components": document["components"]})


def test_every_get_answers_as_described(client: TestClient, document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        if "get" in item:
            conforms(document, path, "get", client.get(path.replace("{form_id}", "kantelu")))
    conforms(document, "/api/v1/forms/{form_id}", "get", client.get("/api/v1/forms/nosuchform"))


def test_posts_answer_as_described(client: TestClient, document: dict[str, Any]) -> None:
    path = "/api/v1/forms/kantelu/submissions"
    conforms(document, path, "post", client.post(path, json=KANTELU))
    conforms(document, path, "post", client.post(path, json={}))
    drafts = "/api/v1/forms/{form_id}/drafts"
    conforms(document, drafts, "post", client.post("/api/v1/forms/kantelu/drafts", json={}))
    conforms(document, drafts, "post", client.post("/api/v1/forms/kantelu/drafts", json={},
                                                   headers=api_key(client, "lvv")))


def test_keyed_operations_name_the_bearer_scheme(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"]["agencyKey"]["scheme"] == "bearer"
    assert document["paths"]["/api/v1/forms/{form_id}/drafts"]["post"]["security"] == [{"agencyKey": []}]
    assert "security" not in document["paths"]["/api/v1/forms/{form_id}/submissions"]["post"]


def test_servers_name_the_public_url(settings: Settings) -> None:
    with TestClient(create_app(replace(settings, public_url="https://lomake.example.fi"))) as client:
        assert client.get("/openapi.json").json()["servers"] == [{"url": "https://lomake.example.fi"}]


def test_a_form_whose_refs_cannot_be_bundled_is_any_object_and_the_document_stays_valid(tmp_path: Path) -> None:
    anchored = {"type": "object", "properties": {"a": {"$ref": "#here"}}, "$defs": {"x": {"$anchor": "here",
                                                                                        "type": "string"}}}
    plain = {"type": "object", "properties": {"b": {"$ref": "#/$defs/y"}}, "$defs": {"y": {"type": "string"}}}
    with form_client(tmp_path, anchored=anchored, plain=plain) as client:
        document = client.get("/openapi.json").json()
    validate(document)
    schemas = document["components"]["schemas"]
    assert schemas["anchored"]["type"] == "object" and "properties" not in schemas["anchored"]
    assert schemas["plain"]["properties"]["b"] == {"$ref": "#/components/schemas/plain/$defs/y"}


def test_the_read_api_answers_as_described(client: TestClient, document: dict[str, Any]) -> None:
    """With the agency's key: a page of submissions, one submission, its export and a wrong limit."""
    key = api_key(client, "lvv")
    sent = client.post("/api/v1/forms/kantelu/submissions", json=KANTELU, headers=key).json()
    listed = client.get("/api/v1/submissions?form=kantelu", headers=key)
    assert [s["id"] for s in listed.json()["submissions"]] == [sent["id"]]
    conforms(document, "/api/v1/submissions", "get", listed)
    conforms(document, "/api/v1/submissions", "get", client.get("/api/v1/submissions?limit=0", headers=key))
    one = client.get(f"/api/v1/submissions/{sent['id']}", headers=key)
    conforms(document, "/api/v1/submissions/{submission_id}", "get", one)
    ndjson = client.get("/api/v1/forms/kantelu/submissions.ndjson", headers=key)
    assert ndjson.status_code == 200 and ndjson.headers["content-type"].startswith("application/x-ndjson")
