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
        "puhelin": "+358401234567",
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

#: Tiny stand-ins for uploaded files, as the JSON API takes them (data URLs; rjsf's `;name=` gives the file name).
PDF = b"%PDF-1.4\n% a tiny stand-in for a scanned document\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def data_url(content: bytes, media: str, name: str) -> str:
    import base64
    from urllib.parse import quote

    return f"data:{media};name={quote(name)};base64,{base64.b64encode(content).decode()}"


OIKAISUVAATIMUS: dict[str, Any] = {
    "vaatija": {
        "etunimet": "Maija Liisa",
        "sukunimi": "Meikäläinen",
        "henkilotunnus": "131052-308T",
        "katuosoite": "Esimerkkikatu 5 B 12",
        "postinumero": "00100",
        "postitoimipaikka": "Helsinki",
        "puhelin": "+358401234567",
        "sahkoposti": "maija@example.fi",
    },
    "toimitustapa": "viestit",
    "asiointi": {
        "kenenPuolesta": "toinen",
        "peruste": "huoltaja",
        "paamies": {"laji": "henkilo", "nimi": "Matti Meikäläinen", "henkilotunnus": "010516B203B"},
    },
    "asianLaji": "oppilas",
    "oppilasasia": {"koulu": "Esimerkin koulu", "jarjestaja": "Espoon kaupunki", "aihe": "tuki", "vuosiluokka": 4},
    "paatos": {
        "paattaja": "Esimerkin koulun rehtori",
        "paatospaiva": "2026-09-01",
        "asianumero": "1234/12.00.01/2026",
        "tiedoksisaanti": "2026-09-08",
    },
    "vaatimus": "Päätös erityisen tuen lopettamisesta on kumottava,\nja tukea on jatkettava lukuvuoden loppuun.",
    "perustelut": "Tuen tarve ei ole muuttunut. Psykologin lausunto 20.8.2026 on liitteenä.",
    "paatosliite": data_url(PDF, "application/pdf", "päätös ja oikaisuvaatimusohje.pdf"),
    "liitteet": [
        {"laji": "selvitys", "tiedosto": data_url(PDF, "application/pdf", "lausunto.pdf"),
         "kuvaus": "Psykologin lausunto 20.8.2026"},
    ],
    "vakuutus": True,
}

YMPARISTOLUPA: dict[str, Any] = {
    "asiointi": {
        "kenenPuolesta": "toinen",
        "peruste": "kaupparekisteri",
        "paamies": {"laji": "organisaatio", "nimi": "Esimerkki Kiviaines Oy", "ytunnus": "1895312-5"},
    },
    "hakija": {
        "nimi": "Esimerkki Kiviaines Oy",
        "ytunnus": "1895312-5",
        "yhteyshenkilo": "Pekka Virtanen",
        "puhelin": "+358401234567",
        "sahkoposti": "pekka.virtanen@example.fi",
        "katuosoite": "Teollisuustie 3",
        "postinumero": "02920",
        "postitoimipaikka": "Espoo",
    },
    "laitos": {
        "nimi": "Kalliomäen murskaamo",
        "toimiala": "mineraalit",
        "liitekohta": "taulukko 2, kohta 7 e",
        "vaihe": "muutos",
        "katuosoite": "Kalliomäentie 10",
        "postinumero": "02940",
        "kunta": "Espoo",
        "yhteyshenkilo": {"nimi": "Pekka Virtanen", "puhelin": "+358401234567",
                          "sahkoposti": "pekka.virtanen@example.fi"},
    },
    "luvat": [
        {"laji": "Ympäristölupa", "viranomainen": "Espoon ympäristölautakunta", "paatospaiva": "2018-05-15",
         "asianumero": "1234/11.01.00/2018"},
    ],
    "kiinteistot": [
        {"kiinteistotunnus": "49-412-5-37", "omistaja": "Esimerkki Kiviaines Oy", "hallinta": "omistus"},
        {"kiinteistotunnus": "04941200050038", "omistaja": "Espoon kaupunki", "hallinta": "vuokra"},
    ],
    "sijainti": {
        "kaava": "asemakaava",
        "kaavamerkinta": "T (teollisuusrakennusten korttelialue)",
        "pohjavesialue": False,
        "lahiymparisto": "Lähin asuinrakennus on 450 metrin päässä lounaassa. Lähin koulu on 1,2 km:n päässä.",
    },
    "naapurit": [
        {"kiinteistotunnus": "49-412-5-12", "omistaja": "Liisa Naapuri", "osoite": "Kalliomäentie 12, 02940 Espoo"},
    ],
    "toiminta": {
        "kuvaus": "Kalliokiviaineksen louhinta, murskaus ja varastointi.\nMurskaus tehdään siirrettävällä laitoksella.",
        "yhteenveto": "Kalliomäen murskaamon tuotantoa kasvatetaan 200 000 tonniin vuodessa.",
        "kapasiteetti": "200 000 tonnia murskattua kiviainesta vuodessa",
        "toimintaajat": "Arkisin kello 7–18",
        "aloitus": "2027-04-01",
    },
    "kemikaalit": [
        {"nimi": "Kevyt polttoöljy", "kaytto": "Murskaimen ja työkoneiden polttoaine", "maara": 50, "yksikko": "m3",
         "varastointi": "Kaksoisvaippasäiliö, 10 m³", "vaarallinen": True},
        {"nimi": "Räjähdysaine", "kaytto": "Louhinta", "maara": 12.5, "yksikko": "t", "vaarallinen": True},
    ],
    "energia": {"kulutus": 800, "polttoaineet": "Kevyt polttoöljy 50 m³ vuodessa", "polttoaineteho": 1.5},
    "vesi": {"hankinta": "vesihuolto", "kulutus": 300, "jatevedet": "umpisailio"},
    "paastotVeteen": {"kuvaus": "Hulevedet johdetaan laskeutusaltaan kautta ojaan.", "purkupaikka": "Kalliomäenoja"},
    "paastotIlmaan": {"kuvaus": "Pölyä murskauksesta ja kuljetuksista.", "vahentaminen": "Kastelu ja koteloidut kuljettimet."},
    "maaperaJaPohjavesi": {"suojaus": "Polttoaineen jakelupaikka on päällystetty ja varustettu öljynerotuskaivolla."},
    "melu": [
        {"lahde": "Murskain", "aika": "Arkisin kello 7–18", "taso": 52.5, "torjunta": "Kiviainesvarastot meluvallina."},
        {"lahde": "Kuljetukset"},
    ],
    "jatteet": [
        {"nimi": "Jäteöljy", "koodi": "13 02 05*", "maara": 0.5, "kasittely": "Vaarallisen jätteen vastaanottopiste"},
    ],
    "tarkkailu": {"kayttotarkkailu": "Käyttöpäiväkirja, polttoaineen kulutus ja häiriötilanteet kirjataan päivittäin.",
                  "vaikutustarkkailu": "Melumittaus kerran vuodessa lähimmän asuinrakennuksen luona."},
    "sijaintikartta": data_url(PDF, "application/pdf", "sijaintikartta.pdf"),
    "asemapiirros": data_url(PNG, "image/png", "asemapiirros.png"),
    "liitteet": [
        {"laji": "selvitys", "tiedosto": data_url(PDF, "application/pdf", "melumallinnus.pdf"),
         "kuvaus": "Melumallinnus 2026"},
    ],
    "vakuutus": True,
}

SAAVUTETTAVUUSPALAUTE: dict[str, Any] = {
    "palvelu": "Kantelulomake",
    "osoite": "https://lomake.example/forms/kantelu",
    "ongelmat": ["nappaimisto", "lomake"],
    "kuvaus": "Päivämääräkentästä ei pääse eteenpäin sarkainnäppäimellä,\nja virheilmoitus ei kerro, mikä on vialla.",
    "apuvalineet": "Kannettava tietokone, Firefox ja NVDA-ruudunlukija",
    "sisaltoPyynto": False,
    "vastaus": True,
    "yhteystiedot": {"nimi": "Maija Meikäläinen", "sahkoposti": "maija@example.fi", "puhelin": "+358401234567"},
}
