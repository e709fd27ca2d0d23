"""Values a person cannot change (const, null, readOnly) are shown as text and never read from the page;
examples become a datalist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.settings import Settings
from server import create_app
from tests.conftest import read_form, stored_answers

FORM = {
    "title": "Kiinteät", "type": "object", "required": ["versio", "tyhja"],
    "properties": {
        "versio": {"title": "Lomakkeen versio", "const": "2026-1"},
        "tyhja": {"title": "Ei arvoa", "type": "null"},
        "yksikko": {"title": "Käsittelevä yksikkö", "type": "string", "readOnly": True, "default": "Ympäristö"},
        "kunta": {"title": "Kunta", "type": "string", "examples": ["Espoo", "Helsinki"]},
    },
}


@pytest.fixture
def client(tmp_path: Path) -> Any:
    (tmp_path / "kiinteat.json").write_text(json.dumps(FORM))
    with TestClient(create_app(Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.db"))) as c:
        yield c


def test_fixed_values_are_text_and_tampering_changes_nothing(client: TestClient) -> None:
    html = client.get("/forms/kiinteat").text
    doc = lxml.html.fromstring(html)
    assert [d.text_content() for d in doc.xpath("//div[@class='fixed-value']")] == ["2026-1", "—", "Ympäristö"]
    _, pairs = read_form(html)
    assert [n for n, _ in pairs] == ["/kunta"]
    assert doc.xpath("//input[@name='/kunta']/@list") == ["f_kunta-examples"]
    assert doc.xpath("//datalist[@id='f_kunta-examples']/option/@value") == ["Espoo", "Helsinki"]
    sent = client.post("/forms/kiinteat", data={"/kunta": "Espoo", "/versio": "x", "/yksikko": "Muu", "/tyhja": "1"},
                       follow_redirects=False)
    assert sent.status_code == 303
    assert stored_answers(client) == [{"kunta": "Espoo", "versio": "2026-1", "tyhja": None, "yksikko": "Ympäristö"}]


def test_the_api_is_held_to_the_same_values(client: TestClient) -> None:
    response = client.post("/api/v1/forms/kiinteat/submissions", json={"versio": "x", "tyhja": None})
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/versio"]
    sent = client.post("/api/v1/forms/kiinteat/submissions", json={"versio": "2026-1", "tyhja": None, "yksikko": "Muu"})
    assert sent.status_code == 201
    assert stored_answers(client) == [{"versio": "2026-1", "tyhja": None, "yksikko": "Ympäristö"}]
