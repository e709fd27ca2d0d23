"""Finnish identifiers as JSON Schema formats: `fi-hetu`, `fi-business-id`, `iban`, `fi-postal-code`, `phone`.

Each is normalised (case, spaces, separators) before validation and storage, and a wrong one is
refused with the reason (its check character, its date, a temporary number) rather than
"invalid format". The algorithms are python-stdnum's and phonenumbers', not written again.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import phonenumbers
from stdnum import iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.fi import hetu, ytunnus

FORMATS = ("fi-hetu", "fi-business-id", "iban", "fi-postal-code", "phone")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def normalise(fmt: str, value: str) -> str:
    """The stored form: `131052-308T`, `0245439-9`, `FI2112345600000785`, `00100`, `+358401234567`."""
    compact = _SPACES.sub("", value)
    if fmt == "fi-hetu":
        return compact.upper()
    if fmt == "fi-business-id":
        digits = compact.replace("-", "")
        return f"{digits[:-1].zfill(7)}-{digits[-1]}" if re.fullmatch(r"\d{6,8}", digits) else compact
    if fmt == "iban":
        return compact.replace("-", "").upper()
    if fmt == "phone":
        try:
            number = phonenumbers.parse(value, "FI")
        except phonenumbers.NumberParseException:
            return value.strip()
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return compact


def check(fmt: str, value: str) -> None:
    """Raise ValueError whose message is the reason: `format`, `date`, `checksum`, `temporary`, `country`."""
    _CHECKS[fmt](value)


def shown(fmt: str, value: str) -> str:
    """How the value reads on a receipt: an IBAN in groups of four, a phone number spaced."""
    if fmt == "iban":
        return str(iban.format(value))
    if fmt == "phone":
        try:
            return phonenumbers.format_number(phonenumbers.parse(value, "FI"),
                                              phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            return value
    return value


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


_CHECKS: dict[str, Callable[[str], None]] = {
    "fi-hetu": _hetu, "fi-business-id": _business_id, "iban": _iban, "fi-postal-code": _postal_code, "phone": _phone,
}
