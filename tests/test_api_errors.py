"""Errors under `/api/` are JSON, always: an unexpected exception in a real API handler answers 500 in the API's
error shape (never text/plain), with the usual headers, and the log names no personal data."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.settings import Settings
from server import create_app
from submission.storage import open_storage
from tests.samples import KANTELU
from web.errors import server_error

SERVER_ERROR = {"errors": [{"pointer": "", "message": "Palvelussa tapahtui virhe. Yritä hetken kuluttua uudelleen."}]}


class BrokenDisk:
    """The real SQLite storage, except that writing a submission and the health check's ping fail as a broken
    disk would, with the answers in the exception's text."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __getattr__(self, name: str) -> Any:
        if name in ("add_submission", "ping"):
            def broken(*args: Any, **kwargs: Any) -> Any:
                raise sqlite3.OperationalError(f"disk I/O error while writing {KANTELU['kantelija']}")
            return broken
        return getattr(self.real, name)


@pytest.fixture
def broken(settings: Settings) -> Any:
    with TestClient(create_app(settings, BrokenDisk(open_storage(settings.db_url))),
                    raise_server_exceptions=False) as client:
        yield client


def test_a_storage_failure_in_an_api_handler_answers_json_and_logs_no_answers(
        broken: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        response = broken.post("/api/v1/forms/kantelu/submissions?lang=en", json=KANTELU)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"errors": [{"pointer": "", "message": (
        "Something went wrong in the service. Try again in a moment.")}]}
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records if not r.name.startswith("httpx"))
    assert "OperationalError" in logged and "api_submit" in logged
    assert "Meikäläinen" not in logged and "Traceback" not in logged


def test_the_health_check_fails_in_json(broken: TestClient) -> None:
    response = broken.get("/healthz")
    assert response.status_code == 500 and response.json() == SERVER_ERROR


def test_the_pages_still_answer_with_the_error_page(broken: TestClient) -> None:
    """The same failure behind a page: the error page, in HTML (the path's own shape)."""
    page = broken.post("/forms/kantelu", data={"/kantelija/etunimet": ""})
    assert page.status_code in (422, 500)  # the empty complaint never reaches the storage
    assert page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/api/v1/nope", 404), ("POST", "/api/v1/forms", 405), ("DELETE", "/api/v1/forms/kantelu", 405),
    ("GET", "/api/v1/forms/nope", 404), ("PUT", "/api/v1/forms/kantelu/submissions", 405),
])
def test_every_error_under_api_is_json(client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert [set(e) for e in response.json()["errors"]] == [{"pointer", "message"}]


def test_when_even_the_error_answer_fails_the_api_still_answers_json() -> None:
    """A request the error answer cannot read (here, headers that are not headers): JSON under /api/, in Finnish;
    a page falls back to plain text."""
    scope = {"type": "http", "method": "GET", "path": "/api/v1/forms", "query_string": b"", "headers": None}
    api = server_error(scope)
    assert api.status_code == 500 and api.media_type == "application/json" and bytes(api.body).decode() == (
        '{"errors":[{"pointer":"","message":"Palvelussa tapahtui virhe. Yritä hetken kuluttua uudelleen."}]}')
    page = server_error({**scope, "path": "/forms/kantelu"})
    assert page.status_code == 500 and page.media_type == "text/plain"
