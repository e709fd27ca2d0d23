"""Agencies' retention and webhook settings: declared in `schemas/agencies/<id>.json`, checked by `lomake check`
with file and pointer; the webhook's secret comes from the environment, never from a file."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from core.catalog import load_catalog
from core.forms import Agency, Webhook
from lomake.check import check_paths
from tests.conftest import ROOT, SCHEMAS, unplaced
from tests.test_docs_tables import section

HOOK = {"url": "https://asianhallinta.lvv.fi/saapuneet", "secret_env": "LOMAKE_WEBHOOK_SECRET_LVV"}


def schemas_with(tmp_path: Path, **lvv: Any) -> Path:
    """A copy of the sample schemas folder with `lvv`'s file given these keys."""
    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, folder)
    path = folder / "agencies" / "lvv.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **lvv}), encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    return [unplaced(p).replace(f"{folder}/", "") for p in check_paths([folder])]


def test_the_docs_example_loads_and_passes_check(tmp_path: Path) -> None:
    text = section((ROOT / "docs" / "form-files.md").read_text(), "## Agencies and reference numbers")
    example = json.loads(next(b for b in re.findall(r"```json\n(.*?)```", text, re.S) if '"webhook"' in b))
    folder = schemas_with(tmp_path, **example)
    assert problems(folder) == []
    agency = load_catalog(folder).agencies["lvv"]
    assert agency.retention is not None and agency.retention.days == 3650
    assert agency.webhook == Webhook(url=example["webhook"]["url"], secret_env="LOMAKE_WEBHOOK_SECRET_LVV",
                                     forms=("kantelu", "oikaisuvaatimus"))


def test_the_sample_agency_declares_its_retention() -> None:
    lvv = load_catalog(SCHEMAS).agencies["lvv"]
    assert lvv.retention is not None and "Arkistonmuodostussuunnitelma" in lvv.retention.basis["fi"]


@pytest.mark.parametrize("webhook", [
    HOOK, {**HOOK, "forms": []}, {**HOOK, "url": "http://localhost:8001/hook"},
    {**HOOK, "url": "http://127.0.0.1/hook?form=kantelu"}, {**HOOK, "secret_env": "X"},
])
def test_valid_webhooks_load(webhook: dict[str, Any]) -> None:
    assert Agency.model_validate({"id": "x", "name": {"fi": "X"}, "webhook": webhook}).webhook == Webhook.model_validate(webhook)


@pytest.mark.parametrize(("lvv", "expected"), [
    ({"webhook": {**HOOK, "url": "http://lvv.fi/hook"}},
     "/webhook/url: Value error, 'http://lvv.fi/hook' is not https: submissions are sent only over https "
     "(http only to http://localhost or http://127.0.0.1, while developing)"),
    ({"webhook": {**HOOK, "url": "ftp://lvv.fi/hook"}},
     "/webhook/url: Value error, 'ftp://lvv.fi/hook' is not an https URL: write https://host/path"),
    ({"webhook": {**HOOK, "url": "https://user:pw@lvv.fi/hook"}},
     "/webhook/url: Value error, 'https://user:pw@lvv.fi/hook' carries a secret in the URL: secrets never live in "
     "form or agency files: set it in an environment variable and name the variable instead, "
     'e.g. "secret_env": "LOMAKE_WEBHOOK_SECRET_LVV"'),
    ({"webhook": {**HOOK, "url": "https://lvv.fi/hook?access_token=abc"}},
     "/webhook/url: Value error, 'https://lvv.fi/hook?access_token=abc' carries a secret in the URL: secrets never "
     "live in form or agency files: set it in an environment variable and name the variable instead, "
     'e.g. "secret_env": "LOMAKE_WEBHOOK_SECRET_LVV"'),
    ({"webhook": {**HOOK, "secret": "hunter2"}},
     "/webhook/secret: 'secret' holds a literal secret: secrets never live in form or agency files: set it in an "
     'environment variable and name the variable instead, e.g. "secret_env": "LOMAKE_WEBHOOK_SECRET_LVV"'),
    ({"api_token": "abc123"},
     "/api_token: 'api_token' holds a literal secret: secrets never live in form or agency files: set it in an "
     'environment variable and name the variable instead, e.g. "secret_env": "LOMAKE_WEBHOOK_SECRET_LVV"'),
    ({"webhook": {**HOOK, "secret_env": "lomake-secret"}},
     "/webhook/secret_env: String should match pattern '^[A-Z][A-Z0-9_]*$'"),
    ({"webhook": {**HOOK, "forms": ["kantelu", "ei-ole"]}},
     "/webhook/forms/1: no form 'ei-ole' in the schemas folder"),
    ({"webhook": {**HOOK, "forms": ["ymparistolupa"]}},
     "/webhook/forms/0: the form 'ymparistolupa' is not 'lvv''s but 'espoo''s"),
    ({"retention": {"days": -1, "basis": {"fi": "AMS 02.01"}}},
     "/retention/days: Input should be greater than or equal to 1"),
    ({"retention": {"days": 36501, "basis": {"fi": "AMS 02.01"}}},
     "/retention/days: Input should be less than or equal to 36500"),
    ({"retention": {"days": 3650}}, "/retention/basis: Field required"),
])
def test_bad_settings_are_reported_with_file_and_pointer(tmp_path: Path, lvv: dict[str, Any], expected: str) -> None:
    folder = schemas_with(tmp_path, **lvv)
    assert [line for line in problems(folder) if line.startswith("agencies/")] == [f"agencies/lvv.json: {expected}"]


def test_a_form_may_keep_its_submissions_its_own_time(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    form = {"title": "A", "type": "object", "properties": {}, "x-lomake": {"retention_days": 30}}
    (folder / "a.json").write_text(json.dumps(form), encoding="utf-8")
    assert load_catalog(folder).forms["a"].meta.retention_days == 30
    (folder / "a.json").write_text(json.dumps({**form, "x-lomake": {"password": "x"}}), encoding="utf-8")
    assert [p.pointer + ": " + p.message for p in check_paths([folder / "a.json"])] == [
        "/x-lomake/password: 'password' holds a literal secret: secrets never live in form or agency files: set it "
        'in an environment variable and name the variable instead, e.g. "secret_env": "LOMAKE_WEBHOOK_SECRET_LVV"']


def test_the_webhook_secret_is_read_from_the_environment_at_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    webhook = Webhook.model_validate(HOOK)
    monkeypatch.delenv("LOMAKE_WEBHOOK_SECRET_LVV", raising=False)
    assert webhook.secret() is None
    monkeypatch.setenv("LOMAKE_WEBHOOK_SECRET_LVV", "")
    assert webhook.secret() is None
    monkeypatch.setenv("LOMAKE_WEBHOOK_SECRET_LVV", "s3cret")
    assert webhook.secret() == "s3cret"
    assert webhook.secret({"LOMAKE_WEBHOOK_SECRET_LVV": "other"}) == "other"
    assert "s3cret" not in repr(webhook) + webhook.model_dump_json()
