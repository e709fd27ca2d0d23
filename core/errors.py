"""The one small exception hierarchy; `server.py` maps it to HTML pages and the API's JSON shape."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an answer: where (a JSON Pointer into the instance) and what, for people."""

    pointer: str
    message: str
    #: The field's label, for a message of Lomake's own that does not name its question: the error
    #: summary shows it before the message ("Etunimet: Kirjoita vastaus.").
    label: str = ""

    @property
    def summary(self) -> str:
        """The line in the error summary: the message, after the label when there is one."""
        return f"{self.label}: {self.message}" if self.label else self.message


class LomakeError(Exception):
    """An error a client caused; `status` is the HTTP status it answers with."""

    status = 400

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or [Problem("", message)]


class BadRequest(LomakeError):
    status = 400


class Unauthorized(LomakeError):
    """No valid API key; the answer says `WWW-Authenticate: Bearer`."""

    status = 401


class Forbidden(LomakeError):
    status = 403


class NotFound(LomakeError):
    status = 404


class Gone(LomakeError):
    status = 410


class RequestTimeout(LomakeError):
    """The body did not arrive in time (a client that sends it slowly, or never finishes)."""

    status = 408


class PayloadTooLarge(LomakeError):
    status = 413


class UnsupportedMediaType(LomakeError):
    status = 415


class Invalid(LomakeError):
    """The answers do not satisfy the form's schema."""

    status = 422
