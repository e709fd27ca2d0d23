"""Finnish identifiers as JSON Schema formats: `fi-hetu`, `fi-business-id`, `iban`, `fi-postal-code`, `phone`.

Each is normalised (case, spaces, separators) before validation and storage, and a wrong one is
refused with the reason (its check character, its date, a temporary number) rather than
"invalid format". The algorithms are python-stdnum's and phonenumbers', not written again.

`IDENTIFIERS` is the one registry: the page's input (`core.view.scalars`), validation
(`submission.validate`) and the answers shown (`renderer.answers`) all read it, so a new format is
one entry here and its messages in `core/messages.py` (`required_<name>`, `<name>:<reason>`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
from stdnum import iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.fi import hetu, ytunnus

_SPACES = re.compile(r"[\s\u00a0\u202f]+")


@dataclass(frozen=True, slots=True)
class Identifier:
    """One identifier format: how an answer is written down, checked and shown, how its input is typed,
    and the reasons it may be refused, each a message `<name>:<reason>` in `core/messages.py`."""

    name: str
    #: The stored form of what a person wrote (case, spaces, separators).
    normalise: Callable[[str], str]
    #: Raises ValueError whose message is the reason (one of `reasons`) for a stored form that is wrong.
    check: Callable[[str], None]
    #: A right answer, in its stored form.
    example: str
    reasons: tuple[str, ...] = ("format",)
    #: How a stored answer reads on a receipt.
    shown: Callable[[str], str] = str
    #: The input's attributes (`inputmode`, `type`, `spellcheck`, `autocapitalize`) and width in characters.
    attrs: tuple[tuple[str, str], ...] = (("spellcheck", "false"),)
    width: int = 0

    @property
    def messages(self) -> tuple[str, ...]:
        """Its messages' keys: asking for the answer, then each reason to refuse it."""
        return (f"required_{self.name}", *(self.refusal(reason) for reason in self.reasons))

    def refusal(self, reason: str) -> str:
        """The message key for refusing an answer for `reason` (a reason it does not name: its format)."""
        return f"{self.name}:{reason if reason in self.reasons else 'format'}"


def _compact(value: str) -> str:
    return _SPACES.sub("", value)


def _business_id_written(value: str) -> str:
    digits = _compact(value).replace("-", "")
    return f"{digits[:-1].zfill(7)}-{digits[-1]}" if re.fullmatch(r"\d{6,8}", digits) else _compact(value)


def _phone_written(value: str) -> str:
    try:
        number = phonenumbers.parse(value, "FI")
    except phonenumbers.NumberParseException:
        return value.strip()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phone_shown(value: str) -> str:
    try:
        return phonenumbers.format_number(phonenumbers.parse(value, "FI"), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return value


def normalise(fmt: str, value: str) -> str:
    """The stored form: `131052-308T`, `0245439-9`, `FI2112345600000785`, `00100`, `+358401234567`."""
    return IDENTIFIERS[fmt].normalise(value) if fmt in IDENTIFIERS else _compact(value)


def check(fmt: str, value: str) -> None:
    """Raise ValueError whose message is the reason: `format`, `date`, `checksum`, `temporary`, `country`."""
    IDENTIFIERS[fmt].check(value)


def shown(fmt: str, value: str) -> str:
    """How the value reads on a receipt: an IBAN in groups of four, a phone number spaced."""
    return IDENTIFIERS[fmt].shown(value) if fmt in IDENTIFIERS else value


def _hetu(value: str) -> None:
    if not re.fullmatch(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]", value):
        raise ValueError("format")
    try:
        hetu.validate(value, allow_temporary=True)
    except InvalidChecksum:
        raise ValueError("checksum") from None
    except (InvalidComponent, InvalidFormat, InvalidLength):
        raise ValueError("date") from None
    if int(value[7:10]) >= 900:
        raise ValueError("temporary")
    if int(value[7:10]) < 2:
        raise ValueError("format")


def _business_id(value: str) -> None:
    if not re.fullmatch(r"\d{7}-\d", value):
        raise ValueError("format")
    try:
        ytunnus.validate(value)
    except InvalidChecksum:
        raise ValueError("checksum") from None
    except ValidationError:
        raise ValueError("format") from None


def _iban(value: str) -> None:
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", value):
        raise ValueError("format")
    try:
        iban.validate(value)
    except InvalidChecksum:
        raise ValueError("checksum") from None
    except InvalidComponent:
        raise ValueError("country") from None
    except ValidationError:
        raise ValueError("format") from None


def _postal_code(value: str) -> None:
    if not re.fullmatch(r"\d{5}", value):
        raise ValueError("format")


def _phone(value: str) -> None:
    try:
        number = phonenumbers.parse(value, "FI")
    except phonenumbers.NumberParseException:
        raise ValueError("format") from None
    if not phonenumbers.is_valid_number(number) or not value.startswith("+"):
        raise ValueError("format")


_CAPITALS = (("spellcheck", "false"), ("autocapitalize", "characters"))

#: Every identifier format, by name.
IDENTIFIERS: dict[str, Identifier] = {i.name: i for i in (
    Identifier("fi-hetu", lambda v: _compact(v).upper(), _hetu, "131052-308T",
               reasons=("format", "date", "checksum", "temporary"), attrs=_CAPITALS, width=11),
    Identifier("fi-business-id", _business_id_written, _business_id, "0245439-9", reasons=("format", "checksum"),
               width=10),
    Identifier("iban", lambda v: _compact(v).replace("-", "").upper(), _iban, "FI2112345600000785",
               reasons=("format", "checksum", "country"), shown=lambda v: str(iban.format(v)), attrs=_CAPITALS,
               width=20),
    Identifier("fi-postal-code", _compact, _postal_code, "00100",
               attrs=(("inputmode", "numeric"), ("spellcheck", "false")), width=5),
    Identifier("phone", _phone_written, _phone, "+358401234567", shown=_phone_shown,
               attrs=(("type", "tel"), ("spellcheck", "false")), width=20),
)}
#: Their names, as JSON Schema `format`s.
FORMATS = tuple(IDENTIFIERS)
