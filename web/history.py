"""The browser's history: no page of a form answers a POST, so Back never meets one (Chromium's ERR_CACHE_MISS).

Post/Redirect/Get: a page post that is not taken (refused, or a list's item added or removed, or the language
switched) is kept in the draft as a `Refusal` and the browser is sent (303) to the page's own address, which
shows it again, as typed, with its problems (then 422, as the page answered before). Only that draft's page
shows it, and any other save of the draft clears it. After sending, the form's address reached by Back
shows the confirmation again (`back_to_receipt`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.errors import PayloadTooLarge, Problem
from core.forms import Form
from core.messages import text
from submission.storage import Draft, Refusal

#: The cookie naming a one-page form's receipt just after sending, and for how many seconds.
SENT_COOKIE = "lomake_sent"
SENT_REMEMBERED = 30 * 60


def refusal(page_id: str, values: dict[str, list[str]], problems: Sequence[Problem], limit: int,
            lang: str) -> Refusal:
    """The page as posted, to keep in its draft: its controls' values (not the CSRF token, the button pressed or
    any other `_` name, which no control has); 413 if their text is more than `limit` bytes (a multipart post's
    fields may be; an urlencoded post was refused at that size before it was read)."""
    typed = {name: list(texts) for name, texts in values.items() if not name.startswith("_")}
    if len(json.dumps(typed, ensure_ascii=False).encode()) > limit:
        raise PayloadTooLarge(text(lang, "too_large", n=limit))
    return Refusal(page_id, typed, tuple(problems))


def refused_on(draft: Draft | None, page_id: str) -> Refusal | None:
    """The draft's refusal if it is of this page: no other page shows it."""
    return draft.refused if draft is not None and draft.refused is not None and draft.refused.page == page_id \
        else None


def history_navigation(request: Request) -> bool:
    """A browser's navigation the person did not start by a link, an address or a bookmark (those say
    `Sec-Fetch-User: ?1`): the Back button's."""
    return request.headers.get("sec-fetch-mode") == "navigate" and "sec-fetch-user" not in request.headers


def back_to_receipt(form: Form, token: str) -> Response:
    """The browser's Back after sending, to the form's page: the confirmation again, not an empty form (once;
    a person who opens the form by a link or its address, `Sec-Fetch-User`, gets the form)."""
    response = RedirectResponse(f"/receipts/{token}", status_code=303)
    response.delete_cookie(SENT_COOKIE, path=f"/forms/{form.id}")
    return response


def sent_response(request: Request, form: Form, receipt_token: str, lang: str = "") -> Response:
    """On to the confirmation (in `lang`, or the language it was sent in), remembering it for a while for the
    browser's Back (`back_to_receipt`)."""
    response = RedirectResponse(f"/receipts/{receipt_token}" + (f"?lang={lang}" if lang else ""), status_code=303)
    response.set_cookie(SENT_COOKIE, receipt_token, max_age=SENT_REMEMBERED, path=f"/forms/{form.id}",
                        secure=request.url.scheme == "https", httponly=True, samesite="lax")
    return response
