"""Delivery's pure steps: the signature (as Standard Webhooks computes it), what an answer comes to, and when to
try again (exponential backoff with full jitter, until the retry days are over). The HTTP side is in
tests/lomake/test_worker.py, against a real receiver."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import pytest

from core.forms import Webhook
from submission.delivery import Outcome, answered, retry_at, signature, signed_headers, unconfigured

CREATED = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def test_the_signature_is_hmac_sha256_over_id_timestamp_and_body() -> None:
    mac = hmac.new(b"secret", b"msg_1.1700000000.{\"a\":1}", hashlib.sha256).digest()
    assert signature("secret", "msg_1", 1700000000, b'{"a":1}') == "v1," + base64.b64encode(mac).decode()


def test_a_whsec_secret_is_the_bytes_its_base64_stands_for() -> None:
    """Standard Webhooks' own test vector (its libraries' README)."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")


def test_the_headers_name_the_id_the_time_and_the_signature() -> None:
    assert signed_headers("s", "id-1", 1700000000, b"{}") == {
        "content-type": "application/json", "webhook-id": "id-1", "webhook-timestamp": "1700000000",
        "webhook-signature": signature("s", "id-1", 1700000000, b"{}")}


@pytest.mark.parametrize(("status", "outcome"), [
    (200, Outcome(True)), (204, Outcome(True)), (299, Outcome(True)),
    (500, Outcome(False, "HTTP 500", True)), (503, Outcome(False, "HTTP 503", True)),
    (408, Outcome(False, "HTTP 408", True)), (429, Outcome(False, "HTTP 429", True)),
    (400, Outcome(False, "HTTP 400")), (401, Outcome(False, "HTTP 401")), (404, Outcome(False, "HTTP 404")),
    (410, Outcome(False, "HTTP 410")), (301, Outcome(False, "HTTP 301")), (302, Outcome(False, "HTTP 302")),
])
def test_what_an_answer_comes_to(status: int, outcome: Outcome) -> None:
    assert answered(status) == outcome


def test_an_unconfigured_webhook_says_what_is_missing_and_is_tried_again() -> None:
    assert unconfigured("lvv", None) == Outcome(False, "the agency lvv has no webhook", True)
    hook = Webhook(url="https://lvv.fi/hook", secret_env="LOMAKE_NOT_SET_ANYWHERE")
    assert unconfigured("lvv", hook) == Outcome(
        False, "the environment variable LOMAKE_NOT_SET_ANYWHERE (the webhook's secret) is not set", True)


def test_retries_wait_a_random_time_up_to_a_doubling_ceiling() -> None:
    ceilings: list[float] = []

    def highest(low: float, high: float) -> float:
        ceilings.append(high)
        return high

    now = CREATED + dt.timedelta(minutes=1)
    for attempts in range(1, 12):
        assert retry_at(CREATED, attempts, now, 3, 30.0, highest) == now + dt.timedelta(seconds=ceilings[-1])
    assert ceilings == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]
    assert retry_at(CREATED, 40, now, 3, 30.0, lambda low, high: low) == now  # full jitter: from no pause at all


def test_the_random_pause_spreads_over_the_whole_ceiling() -> None:
    now = CREATED + dt.timedelta(minutes=1)
    pauses = []
    for _ in range(200):
        when = retry_at(CREATED, 3, now, 3, 30.0)
        assert when is not None
        pauses.append((when - now).total_seconds())
    assert 0 <= min(pauses) < 20 and 100 < max(pauses) <= 120


def test_no_retry_after_the_retry_days() -> None:
    assert retry_at(CREATED, 5, CREATED + dt.timedelta(days=3) - dt.timedelta(seconds=1), 3, 30.0) is not None
    assert retry_at(CREATED, 5, CREATED + dt.timedelta(days=3), 3, 30.0) is None
    assert retry_at(CREATED, 1, CREATED + dt.timedelta(days=1), 1, 30.0) is None
