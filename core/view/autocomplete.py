"""Autocomplete tokens from well-known field names and formats (WCAG 1.3.5)."""

from __future__ import annotations

import re
from dataclasses import replace

from core.view.fields import Field

#: Well-known field names (lower case, without `_`, `-` or spaces) and the autocomplete token they mean.
_AUTOCOMPLETE = {
    **dict.fromkeys(("etunimi", "etunimet", "firstname", "firstnames", "givenname", "fornamn"), "given-name"),
    **dict.fromkeys(("sukunimi", "lastname", "familyname", "surname", "efternamn"), "family-name"),
    **dict.fromkeys(("nimi", "name", "fullname", "namn"), "name"),
    **dict.fromkeys(("sahkoposti", "sähköposti", "email", "epost", "sahkopostiosoite"), "email"),
    **dict.fromkeys(("puhelin", "puhelinnumero", "phone", "telephone", "tel", "telefon"), "tel"),
    **dict.fromkeys(("katuosoite", "streetaddress", "gatuadress", "lahiosoite"), "address-line1"),
    **dict.fromkeys(("postinumero", "postalcode", "postcode", "zip", "zipcode", "postnummer"), "postal-code"),
    **dict.fromkeys(("postitoimipaikka", "city", "kaupunki", "postort"), "address-level2"),
    **dict.fromkeys(("organisaatio", "organization", "organisation", "yritys", "company"), "organization"),
    **dict.fromkeys(("syntymaaika", "syntymäaika", "birthdate", "dateofbirth", "bday"), "bday"),
}


def inferred_autocomplete(f: Field) -> Field:
    """Autocomplete tokens from well-known field names and formats, for data about the person filling
    in the form (WCAG 1.3.5). An object that is about someone else says `"ui:autocomplete": "off"`,
    and nothing below it is inferred."""
    attrs = dict(f.attrs)
    if f.kind in ("fieldset", "alternatives", "conditional"):
        if attrs.get("autocomplete") == "off":
            return f
        return replace(f, children=tuple(inferred_autocomplete(c) for c in f.children))
    if "autocomplete" in attrs or f.kind not in ("text", "date"):
        return f
    token = _AUTOCOMPLETE.get(re.sub(r"[\s_-]", "", f.key.lower())) or (
        "email" if attrs.get("type") == "email" else "tel" if attrs.get("type") == "tel" else None)
    if token is None or (f.kind == "date") != (token == "bday"):
        return f
    extra = (("autocomplete", token),) + ((("spellcheck", "false"),) if "spellcheck" not in attrs else ())
    return replace(f, attrs=f.attrs + extra)
