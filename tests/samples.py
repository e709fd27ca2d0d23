"""Complete, valid answers to the sample forms, shared by tests and docs examples."""

from __future__ import annotations

from typing import Any

KANTELU: dict[str, Any] = {
    "kantelija": {
        "etunimet": "Maija Liisa",
        "sukunimi": "Meikäläinen",
        "katuosoite": "Esimerkkikatu 5 B 12",
        "postinumero": "00100",
        "postitoimipaikka": "Helsinki",
        "puhelin": "+358 40 123 4567",
        "sahkoposti": "maija@example.fi",
    },
    "toimija": "toinen",
    "peruste": "huoltaja",
    "paamies": {"nimi": "Matti Meikäläinen", "syntymaaika": "2012-05-04"},
    "kohde": "opetus",
    "taho": "Esimerkin koulu",
    "kunta": "Espoo",
    "alkaen": "2026-08-11",
    "asti": "2026-10-02",
    "mitaTapahtui": "Lapseni ei saanut tukiopetusta,\nvaikka sitä oli päätetty antaa.",
    "miksi": "Perusopetuslain mukaan tukea on annettava heti, kun tarve havaitaan.",
    "aiemmat": {"keskusteltu": True, "muistutus": False, "vireillaMuualla": False},
    "toimitustapa": "posti",
    "vakuutus": True,
}

KANTELU_BENCH: dict[str, Any] = {
    "etunimet": "Maija",
    "sukunimi": "Meikäläinen",
    "katuosoite": "Esimerkkikatu 5",
    "postinumero": "00100",
    "postitoimipaikka": "Helsinki",
    "puhelin": "040 123 4567",
    "sahkoposti": "maija@example.fi",
    "kieli": "fi",
    "toisenPuolesta": True,
    "peruste": "huoltaja",
    "paamiehenNimi": "Matti Meikäläinen",
    "kohde": "opetus",
    "taho": "Koulu",
    "kunta": "Espoo",
    "alkaen": "2025-10-03",
    "asti": "2025-11-30",
    "mitaTapahtui": "Tukiopetusta ei annettu.",
    "miksi": "Tuki on annettava heti.",
    "keskusteltu": True,
    "muistutus": False,
    "vireillaMuualla": False,
    "toimitustapa": "posti",
    "vakuutus": True,
}
