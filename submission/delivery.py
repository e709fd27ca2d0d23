"""Delivery to an agency's case system: a signed POST to its webhook, and what to do when it fails.

Pure steps and one side effect (`post`): the request's Standard Webhooks headers (`signed_headers`), the
outcome of an answer or a network error (`Outcome`), and when to try again (`retry_at`: exponential backoff
with full jitter, until `delivery_retry_days` after the delivery was created). The worker that claims
deliveries from the outbox and feeds them through here is `lomake.worker`.

Errors kept with a delivery never hold personal data: an HTTP status code or an exception's class only.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import http.client
import random
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from core.forms import Webhook

#: Statuses worth trying again: the receiver is busy, down or timed out.
RETRIED_STATUSES = frozenset({408, 429})
#: Standard Webhooks' secrets may be written `whsec_<base64>`: the key is then the bytes the base64 stands for.
SECRET_PREFIX = "whsec_"


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`webhook-signature`: `v1,` and the base64 of HMAC-SHA256 over `<id>.<timestamp>.<body>`."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX)) if secret.startswith(SECRET_PREFIX) else secret.encode()
    mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The request's headers: JSON, and Standard Webhooks' id, timestamp (Unix seconds) and signature."""
    return {"content-type": "application/json", "webhook-id": message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(secret, message_id, timestamp, body)}


@dataclass(frozen=True)
class Outcome:
    """What an attempt came to: delivered, or why not (no personal data) and whether to try again."""

    delivered: bool
    error: str = ""
    retry: bool = False


def answered(status: int) -> Outcome:
    """The outcome of the receiver's HTTP status: 2xx delivered; 5xx, 408 and 429 again later; else given up."""
    if 200 <= status < 300:
        return Outcome(True)
    return Outcome(False, f"HTTP {status}", status >= 500 or status in RETRIED_STATUSES)


def unconfigured(agency: str, hook: Webhook | None) -> Outcome:
    """Why the agency's webhook cannot be called: it has none, or its secret is not set. Tried again later: the
    configuration may be fixed meanwhile (the worker reads it when it starts)."""
    if hook is None:
        return Outcome(False, f"the agency {agency} has no webhook", retry=True)
    return Outcome(False, f"the environment variable {hook.secret_env} (the webhook's secret) is not set", retry=True)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: object, **__: object) -> None:
        return None  # a 3xx is the receiver's answer, not a place to send the submission to


_OPENER = urllib.request.build_opener(_NoRedirects())


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    """POST `body` to `url` (blocking: run it in a thread); any network error or timeout is tried again."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return answered(response.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return answered(exc.code)
    except urllib.error.URLError as exc:
        reason = exc.reason
        return Outcome(False, type(reason if isinstance(reason, BaseException) else exc).__name__, retry=True)
    except (OSError, ValueError, http.client.HTTPException) as exc:  # timeouts, resets, a malformed answer
        return Outcome(False, type(exc).__name__, retry=True)


def retry_at(created_at: dt.datetime, attempts: int, now: dt.datetime, retry_days: int, first_pause: float,
             draw: Callable[[float, float], float] = random.uniform) -> dt.datetime | None:
    """When to try again after `attempts` failed ones: a random time up to `first_pause` seconds doubled each
    attempt (at most an hour), or None once `retry_days` have passed since the delivery was created."""
    if now >= created_at + dt.timedelta(days=retry_days):
        return None
    ceiling = min(3600.0, first_pause * 2 ** min(max(attempts - 1, 0), 30))
    return now + dt.timedelta(seconds=draw(0, ceiling))
