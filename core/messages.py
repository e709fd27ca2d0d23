"""Every interface string a person sees, in Finnish, Swedish and English.

One entry point, `text(lang, key, **params)`. Messages follow the GOV.UK and Suomi.fi
rules: say what to do, in the label's own words; never "invalid", "please" or "sorry".

The texts are written here in Finnish; the other languages come from the gettext catalogs
`core/locale/<lang>.po` (msgctxt the key, msgid the Finnish text), which translators edit
in Poedit or Weblate. After adding or changing a text here, run `lomake i18n interface`: it
rewrites `core/locale/messages.pot` and brings each `.po` up to date. The catalogs are read
once, on the first `text`, into read-only mappings; an entry that is missing, empty, fuzzy, made
for an older Finnish text or with other {placeholders} than the Finnish text is shown in Finnish.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from string import Formatter
from types import MappingProxyType

from babel.messages.pofile import read_po

LANGUAGES = ("fi", "sv", "en")
#: The interface's gettext catalogs, inside the package.
LOCALE = Path(__file__).with_name("locale")

#: Key to Finnish text; the translations are in locale/<lang>.po.
_MESSAGES: dict[str, str] = {
    # Page furniture
    "skip": "Siirry sisältöön",
    "optional": "(valinnainen)",
    "submit": "Lähetä",
    "language": "Kieli",
    "language_name": "suomeksi",
    "error_prefix": "Virhe:",
    "error_summary": "Tarkista seuraavat kohdat",
    "forms": "Lomakkeet",
    "no_forms": "Lomakkeita ei ole.",
    "catalogue_search": "Hae lomaketta nimellä tai sanalla",
    "catalogue_search_hint": "Kirjoita lomakkeen nimi tai sana sen kuvauksesta, suomeksi, ruotsiksi tai englanniksi.",
    "catalogue_search_button": "Hae",
    "catalogue_filters": "Rajaa lomakkeita",
    "catalogue_agency": "Viranomainen",
    "catalogue_category": "Aihe",
    "catalogue_all": "Kaikki",
    "catalogue_found": "{n} lomaketta löytyi",
    "catalogue_found_one": "Yksi lomake löytyi",
    "catalogue_for": "haulla ”{query}”",
    "catalogue_none": "Lomakkeita ei löytynyt. Kokeile toista sanaa tai poista rajaus.",
    "catalogue_show_all": "Näytä kaikki lomakkeet",
    "catalogue_languages": "Kielet:",
    "catalogue_drafts": "Voit tallentaa vastaukset ja jatkaa myöhemmin.",
    "catalogue_attachments_required": "Tarvitset liitteitä.",
    "catalogue_attachments_optional": "Voit lisätä liitteitä.",
    "catalogue_attachments_none": "Ei liitteitä.",
    # Broken form files, for their authors (`lomake serve --reload` only)
    "broken_for_authors": "Lomakkeen laatijalle",
    "broken_heading": "Lomakkeen {form_id} tiedostossa on virheitä",
    "broken_lead": "Lomaketta ei voi näyttää, ennen kuin virheet on korjattu. Korjaa ne ja tallenna tiedosto, "
                   "sitten lataa tämä sivu uudelleen.",
    "broken_line_column": "rivi {line}, sarake {column}",
    "broken_pointer": "Kohta (JSON Pointer):",
    "broken_only_reload": "Tämä sivu näkyy vain, kun palvelin on käynnistetty valinnalla --reload. Tiedostot ovat "
                          "kansiossa {folder}.",
    # A form's preview, for its author (`lomake serve --reload` only; web/preview.py)
    "preview_word": "esikatselu",
    "preview_heading": "Esikatselu: {title}",
    "preview_banner": "Esikatselu – mitään ei tallenneta",
    "preview_source_examples": "Vastaukset ovat lomakkeen esimerkkivastaukset (examples).",
    "preview_source_default": "Vastaukset ovat lomakkeen oletusarvot (default).",
    "preview_source_generated": "Vastaukset on tehty lomakkeen sääntöjen mukaan: lomake ei anna esimerkkivastauksia "
                                "(examples).",
    "preview_problems": "Lomake ei hyväksy esimerkkivastauksia",
    "preview_form_link": "Avaa lomake",
    "preview_review": "Tarkistussivu",
    "preview_confirmation": "Vahvistussivu",
    "preview_receipt": "Kuitti",
    "preview_receipt_link": "Avaa kuitti (PDF)",
    "service": "Lomake-palvelu",
    "category_kantelu": "Kantelu",
    "category_oikaisuvaatimus": "Oikaisuvaatimus",
    "category_lupa": "Lupahakemus",
    "category_palaute": "Palaute",
    "accessibility": "Saavutettavuusseloste",
    "a11y_choose": "Valitse viranomainen, jonka saavutettavuusselosteen haluat lukea.",
    "a11y_scope": "Tämä seloste koskee Lomake-palvelun sähköisiä lomakkeita, jotka vastaanottaa {agency}.",
    "a11y_law": (
        "Palvelu pyrkii täyttämään WCAG 2.2 -ohjeiston AA-tason digitaalisten palvelujen tarjoamisesta annetun "
        "lain (306/2019) mukaisesti."
    ),
    "a11y_dates": "Seloste on laadittu {prepared} ja päivitetty viimeksi {updated}.",
    "a11y_assessed": "Miten palvelu on arvioitu",
    "a11y_automated": (
        "Jokainen lomake ja sivu tarkistetaan automaattisesti axe-core-työkalulla oikeassa selaimessa aina, kun "
        "palvelua muutetaan. Lomakkeet toimivat ilman JavaScriptiä, näppäimistöllä ja ruudunlukijalla."
    ),
    "a11y_known": "Tunnetut saavutettavuuspuutteet",
    "a11y_none_known": "Tunnettuja puutteita ei ole.",
    "a11y_found_in_audit": "Automaattinen tarkistus {date} löysi nämä puutteet:",
    "a11y_on_pages": "Sivut:",
    "a11y_forms": "Lomakkeiden tarkistukset",
    "a11y_forms_audit": (
        "Jokainen lomake tarkistetaan axe-core-työkalulla ja Nu Html Checker -tarkistimella oikeassa selaimessa "
        "kaikilla sivuillaan ja kielillään: tyhjänä, virheiden kanssa, tallennettuna, tarkistussivulla ja "
        "vahvistuksessa."
    ),
    "a11y_not_audited": "ei vielä tarkistettu.",
    "a11y_audited_none": "tarkistettu {date}, puutteita ei löytynyt.",
    "a11y_audited_problems": "tarkistettu {date}, puutteita löytyi: {count}.",
    "a11y_changed_since": "Lomaketta on muutettu tarkistuksen jälkeen.",
    "a11y_feedback": "Anna palautetta saavutettavuudesta",
    "a11y_feedback_form": "Saavutettavuuspalautelomake",
    "a11y_supervisor": "Valvontaviranomainen",
    "a11y_supervisor_text": (
        "Jos et saa vastausta 14 päivän kuluessa tai vastaus ei tyydytä sinua, voit ottaa yhteyttä "
        "valvontaviranomaiseen, Liikenne- ja viestintävirasto Traficomiin (saavutettavuusvaatimukset.fi)."
    ),
    "not_found": "Sivua ei löytynyt",
    "not_found_text": "Tarkista osoite. Jos kirjoitit sen itse, siinä voi olla kirjoitusvirhe.",
    "request_problem": "Pyyntöä ei voitu käsitellä",
    "back_to_forms": "Kaikki lomakkeet",
    "back_to_form": "Takaisin lomakkeeseen",
    "new_tab": "(avautuu uuteen välilehteen)",
    # Field parts
    "day": "Päivä",
    "month": "Kuukausi",
    "year": "Vuosi",
    "date_hint": "Esimerkiksi 15.3.2025.",
    "max_chars": "Enintään {n} merkkiä.",
    "chars_left": "Voit kirjoittaa vielä {n} merkkiä.",
    "chars_over": "Teksti on {n} merkkiä liian pitkä.",
    "json_hint": "Kirjoita vastaus JSON-muodossa.",
    "choose": "Valitse",
    "answer_if_value": "Vastaa, jos valitsit kohdassa ”{label}” {value}.",
    "answer_unless_value": "Vastaa, jos et valinnut kohdassa ”{label}” {value}.",
    "answer_if_answered": "Vastaa, jos vastasit kohtaan ”{label}”.",
    "answer_if_applies": "Vastaa, jos tämä koskee sinua.",
    "answer_unless_applies": "Vastaa, jos edellinen ei koske sinua.",
    "or": " tai ",
    "file_hint": "Sallitut tiedostotyypit: {types}. Enintään {size}.",
    "file_hint_any": "Enintään {size}.",
    "attachments": "Liitteet",
    "uploaded": "Ladattu",
    "replace_file": "Vaihda tiedosto",
    "add_files": "Lisää tiedostoja",
    "choose_file": "Valitse tiedosto",
    "choose_files": "Valitse tiedostot",
    "no_file_chosen": "Ei valittua tiedostoa",
    "file_too_large": "Valitun tiedoston on oltava pienempi kuin {size}.",
    "file_type": "Valitse tiedosto, jonka tyyppi on {types}.",
    "file_gone": "Valitse tiedosto uudelleen: sitä ei enää ole tallessa.",
    "required_file": "Valitse tiedosto.",
    "file_data_url": "Lähetä tiedosto data-URL-muodossa: data:<tyyppi>;base64,<sisältö>.",
    "file_active": (
        "PDF-tiedostossa ei saa olla skriptejä, automaattisia toimintoja eikä upotettuja tiedostoja. Tulosta tai "
        "tallenna se uudeksi PDF-tiedostoksi ja valitse se."
    ),
    "option": "Vaihtoehto {n}",
    "answer_if": "Vastaa, jos valitsit: {option}.",
    "add": "Lisää: {label}",
    "add_first": "Lisää {label}",
    "add_another": "Lisää toinen {label}",
    "remove": "Poista",
    "list_required": "Lisää vähintään yksi.",
    "list_min": "Lisää vähintään {n}.",
    "list_max": "Voit lisätä enintään {n}. Poista ylimääräiset.",
    "pairs": "Muut tiedot",
    "pair_name": "Nimi",
    "pair_value": "Arvo",
    "pair_row": "Tieto {n}",
    "pair_key": "Kirjoita arvolle nimi.",
    "yes": "Kyllä",
    "no": "Ei",
    # Confirmation and receipt
    "received_form": "{form} on vastaanotettu",
    "reference": "Asianumero",
    "received_at": "Saapumisaika",
    "receipt": "Vastaanottokuittaus",
    "receipt_link": "Lataa vastaanottokuittaus (PDF)",
    "what_next": "Mitä seuraavaksi tapahtuu",
    "what_next_text": "Asian käsittelee {agency}. Jos annoit yhteystietosi, sinuun otetaan tarvittaessa yhteyttä.",
    "not_examined": "Kuittaus osoittaa, että asiakirja on saapunut. Se ei tarkoita, että asia olisi jo tutkittu.",
    "supplement": (
        "Voit täydentää tai peruuttaa asian ottamalla yhteyttä viranomaiseen. Mainitse yhteydenotossa {word}."
    ),
    "handling_time": "Arvioitu käsittelyaika",
    "office_contact": "Yhteystiedot",
    "postal_address": "Postiosoite",
    "email_address": "Sähköposti",
    "phone_number": "Puhelin",
    "privacy_link": "Miten käsittelemme henkilötietojasi (tietosuojaseloste)",
    "answers": "Vastaukset",
    "not_public": "Ei julkinen",
    "declaration_section": "Vakuutus",
    "authority": "Vastaanottava viranomainen",
    "unit": "Vastaanottava yksikkö",
    "sender": "Lähettäjä",
    "form": "Lomake",
    "form_version": "lomakkeen tunnus {id}, versio {version}",
    "checksum": "Tietojen SHA-256-tiiviste",
    "not_answered": "Ei vastausta",
    "time_format": "{date} klo {time}",
    "finnish_time": "Suomen aikaa",
    # An attachment's type on the receipt, in words
    "file_pdf": "PDF-tiedosto",
    "file_png": "PNG-kuva",
    "file_jpeg": "JPEG-kuva",
    # Acting on behalf (submission/acting.py): who the sender acted for, on what ground.
    "acting": "Kenen puolesta",
    "acting_self": "Lähettäjä toimi omasta puolestaan.",
    "acting_other": "Lähettäjä toimi toisen puolesta. Päämies: {whom}. Peruste: {ground}.",
    "acting_whom_person": "{name}",
    "acting_whom_organisation": "{name}",
    "acting_whom_unknown": "nimeä ei kerrottu",
    "acting_ground:guardian_of_minor": "alaikäisen huoltaja",
    "acting_ground:court_appointed_guardian": "tuomioistuimen määräämä edunvalvoja",
    "acting_ground:trade_register_role": "asema kaupparekisterissä",
    "acting_ground:suomifi_mandate": "Suomi.fi-valtuus",
    "acting_ground:power_of_attorney": "valtakirja",
    "acting_ground:no_mandate": "ei valtakirjaa tai muuta oikeutta",
    "acting_ground_unknown": "ei kerrottu",
    "acting_mandate_theme": "{ground}, valtuusasia ”{theme}”",
    "acting_attached": "{ground} (liitteenä {file})",
    # Validation messages: each reads alone beside its field (the summary puts the label before it).
    "required_text": "Kirjoita vastaus.",
    "required_number": "Kirjoita luku.",
    "required_email": "Kirjoita sähköpostiosoite.",
    "required_uri": "Kirjoita verkko-osoite.",
    "required_time": "Kirjoita kellonaika.",
    "required_date_time": "Kirjoita päivämäärä ja kellonaika.",
    "required_fi-hetu": "Kirjoita henkilötunnus.",
    "required_fi-business-id": "Kirjoita Y-tunnus.",
    "required_iban": "Kirjoita tilinumero.",
    "required_fi-postal-code": "Kirjoita postinumero.",
    "required_phone": "Kirjoita puhelinnumero.",
    "required_checkboxes": "Valitse vähintään yksi vaihtoehto.",
    "required_group": "Vastaa näihin kysymyksiin.",
    "required_choice": "Valitse yksi vaihtoehto.",
    "required_declaration": "Vahvista valitsemalla ruutu.",
    "required_date": "Kirjoita päivämäärä: päivä, kuukausi ja vuosi.",
    "date_missing_part": "Päivämäärässä on oltava {part}.",
    "date_real": "Kirjoita oikea päivämäärä, esimerkiksi 15.3.2025.",
    "part_day": "päivä",
    "part_month": "kuukausi",
    "part_year": "vuosi",
    "integer": "Kirjoita kokonaisluku, esimerkiksi 12.",
    "number": "Kirjoita luku numeroina, esimerkiksi 12,5.",
    "minimum": "Kirjoita luku, joka on vähintään {n}.",
    "maximum": "Kirjoita luku, joka on enintään {n}.",
    "exclusiveMinimum": "Kirjoita luku, joka on suurempi kuin {n}.",
    "exclusiveMaximum": "Kirjoita luku, joka on pienempi kuin {n}.",
    "multipleOf": "Kirjoita luku, joka on luvun {n} monikerta.",
    "maxLength": "Kirjoita enintään {n} merkkiä.",
    "minLength": "Kirjoita vähintään {n} merkkiä.",
    "pattern": "Tarkista vastauksen muoto.",
    "format_email": "Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.",
    "format_uri": "Kirjoita verkko-osoite kokonaisena, esimerkiksi https://www.esimerkki.fi.",
    "format_time": "Kirjoita kellonaika, esimerkiksi 14:30.",
    "format_date_time": "Kirjoita päivämäärä ja kellonaika.",
    "format": "Tarkista vastauksen muoto.",
    "choice": "Valitse yksi annetuista vaihtoehdoista.",
    "minItems": "Valitse vähintään {n}.",
    "maxItems": "Valitse enintään {n}.",
    "uniqueItems": "Sama vastaus on annettu kahdesti. Poista toinen.",
    "json": "Kirjoita vastaus JSON-muodossa.",
    "type": "Vastauksen on oltava tyyppiä {type}.",
    "additionalProperties": "Lomakkeessa ei ole kohtaa ”{name}”.",
    # Identifiers: what is wrong, in the words people know.
    "fi-hetu:format": "Kirjoita henkilötunnus muodossa PPKKVV-NNNT, esimerkiksi 131052-308T.",
    "fi-hetu:date": "Henkilötunnuksen alussa on oltava oikea syntymäaika (PPKKVV).",
    "fi-hetu:checksum": "Henkilötunnuksen tarkistusmerkki ei täsmää. Tarkista tunnus.",
    "fi-hetu:temporary": "Väliaikaista henkilötunnusta ei voi käyttää. Kirjoita pysyvä henkilötunnus.",
    "fi-business-id:format": "Kirjoita Y-tunnus muodossa 1234567-1.",
    "fi-business-id:checksum": "Y-tunnuksen tarkistusnumero ei täsmää. Tarkista tunnus.",
    "iban:format": "Kirjoita tilinumero IBAN-muodossa, esimerkiksi FI21 1234 5600 0007 85.",
    "iban:checksum": "Tilinumeron tarkisteet eivät täsmää. Tarkista tilinumero.",
    "iban:country": "Tilinumeron maatunnusta ei tunnisteta. Tarkista tilinumeron alku.",
    "fi-postal-code:format": "Kirjoita postinumero viidellä numerolla, esimerkiksi 00100.",
    "phone:format": "Kirjoita puhelinnumero, esimerkiksi 040 123 4567 tai +358 40 123 4567.",
    "generic": "Tarkista vastaus.",
    "not_values": "Vastaus ei voi olla {values}.",
    "union_values": "Voit kirjoittaa myös {values}.",
    "and": " ja ",
    "give_one_of": "Anna joko {options}.",
    "give_any_of": "Anna ainakin yksi näistä: {options}.",
    "give_only_one": "Anna vain yksi näistä: {options}.",
    "generic_answers": "Tarkista vastaukset.",
    # API and request errors
    "malformed_json": "Pyynnön runko ei ole kelvollista JSONia: tarkista rivi {line}, merkki {column}.",
    "json_encoding": "Pyynnön rungon on oltava UTF-8-merkistössä, eikä siinä saa olla virheellisiä merkkejä.",
    "json_constant": "Pyynnön rungossa on {name}, joka ei ole JSONissa luku. Lähetä luku tai null.",
    "json_too_deep": "Pyynnön rungossa on liian monta sisäkkäistä tasoa: enintään {n}.",
    "charset": "Lähetä {expected} UTF-8-merkistössä.",
    "request_timeout": "Pyynnön lähettäminen kesti liian kauan. Lähetä se uudelleen.",
    "server_error": "Palvelussa tapahtui virhe. Yritä hetken kuluttua uudelleen.",
    "draft_too_large": "Luonnoksen liitteet ovat yhteensä liian suuria: enintään {size}. Poista jokin liite ennen "
                       "kuin lisäät uuden.",
    "not_an_object": "Pyynnön rungon on oltava JSON-objekti.",
    "too_large": "Pyyntö on liian suuri: enintään {n} tavua.",
    "media_type": "Lähetä {expected}.",
    "unknown_form": "Lomaketta ”{form_id}” ei ole.",
    "cross_origin": "Toiselta sivustolta lähetettyä lomaketta ei hyväksytä.",
    "api_key_needed": (
        "Lähetä viraston API-avain otsakkeessa Authorization: Bearer <avain>. Avain puuttui, oli väärä tai on "
        "peruttu."
    ),
    "bad_form_body": "Lomakkeen tietoja ei voitu lukea.",
    "unknown_submission": "Lähetystä ”{id}” ei ole.",
    "unknown_attachment": "Lähetyksessä ei ole liitettä ”{id}”.",
    "query_unknown": "Parametria {name} ei ole. Anna vain näitä: {names}.",
    "query_repeated": "Anna parametri {name} vain kerran.",
    "query_limit": "Anna limit kokonaislukuna väliltä 1–{n}.",
    "query_since": "Anna since ISO 8601 -aikana, esimerkiksi 2026-01-31T12:00:00Z, tai päivänä, esimerkiksi "
                   "2026-01-31 (Suomen aikaa).",
    "query_after": "Anna after-parametriksi edellisen sivun next: tämä ei ole yksikään tämän listan lähetyksistä.",
    "query_titles": "Anna titles-parametriksi 1 (sarakkeiden otsikoiksi kysymykset) tai 0 (JSON-osoittimet).",
    "idempotency_key_bad": "Anna Idempotency-Key-otsake kerran, 1–255 tulostettavana ASCII-merkkinä.",
    "idempotency_conflict": "Tämä Idempotency-Key on jo käytetty toisilla vastauksilla. Anna uusille vastauksille "
                            "uusi avain.",
    # Long forms: pages, review, drafts
    "back": "Takaisin",
    "step": "Vaihe {n}/{count}",
    "start_now": "Aloita",
    "start_draft": "Olet jo aloittanut tämän lomakkeen.",
    "start_you_need": "Pidä valmiina",
    "start_takes": "Kauanko täyttäminen kestää",
    "start_save": "Voit tallentaa lomakkeen kesken ja jatkaa myöhemmin. Keskeneräiset vastaukset säilyvät {days} "
                  "päivää viimeisestä tallennuksesta.",
    "start_deadline": "Määräaika",
    "start_handled_by": "Asian käsittelee {agency}.",
    "tasks_title": "Lomakkeen osat",
    "tasks_link": "Lomakkeen osat ja niiden tila",
    "tasks_progress": "Olet täyttänyt {done}/{count} osaa.",
    "task_done": "Valmis",
    "task_started": "Kesken",
    "task_not_started": "Ei aloitettu",
    "task_not_applicable": "Ei koske sinua",
    "task_review": "Tarkista ja lähetä",
    "task_cannot_start": "Ei voi vielä aloittaa",
    "continue": "Jatka",
    "save_later": "Tallenna ja jatka myöhemmin",
    "review_title": "Tarkista vastaukset",
    "review_lead": "Tarkista vastauksesi ennen lähettämistä. Voit muuttaa niitä Muuta-linkeistä.",
    "change": "Muuta",
    "draft_kept": "Vastauksesi säilyvät {when} asti.",
    "draft_expiring": "Luonnoksesi poistetaan pian ({when}). Jos tarvitset lisää aikaa, jatka sen voimassaoloa.",
    "extend": "Säilytä luonnos {days} päivää",
    "form_changed": "Lomake on muuttunut sen jälkeen, kun aloitit sen. Vastauksesi siirrettiin uuteen lomakkeeseen: "
                    "tarkista ne ennen lähettämistä.",
    "saved_title": "Luonnos on tallennettu",
    "saved_link": "Voit jatkaa täyttämistä myöhemmin tästä linkistä:",
    "saved_code": "Voit jatkaa myös jatkokoodilla. Kirjoita se sivulle {url} tai anna se asiointipisteessä:",
    "saved_expiry": "Luonnos poistetaan {when}, jos et jatka sitä ennen.",
    "saved_keep_safe": "Pidä linkki ja koodi tallessa: kuka tahansa pääsee niillä vastauksiisi.",
    "saved_not_sent": "Lomaketta ei ole lähetetty. Se lähtee vasta, kun jatkat täyttämistä ja lähetät sen.",
    "saved_deadline_warning": (
        "Luonnos säilyy {days} päivää, mutta asian määräaika on {deadline} päivää. Lähetä lomake ennen "
        "määräaikaa: luonnoksen tallentaminen ei pidennä sitä."
    ),
    "saved_how": "Näin jatkat myöhemmin",
    "saved_email": "Lähetä linkki ja koodi itsellesi sähköpostilla",
    "saved_print": "Tulosta tämä sivu",
    "saved_mail_subject": "{form}: jatkolinkki",
    "saved_mail_body": "Jatka lomakkeen täyttämistä tästä linkistä:\n{link}\n\nJatkokoodi: {code}\n\n{expiry}",
    "continue_filling": "Jatka täyttämistä",
    "resume_title": "Jatka tallennettua lomaketta",
    "resume_code": "Jatkokoodi",
    "resume_code_hint": "12 merkkiä, esimerkiksi K7QM-3XRT-9HBD",
    "resume_code_wrong": (
        "Kirjoita jatkokoodi sellaisena kuin sait sen. Vanhentuneella tai jo lähetetyllä luonnoksella ei "
        "voi jatkaa."
    ),
    "draft_gone": "Luonnosta ei löytynyt. Se on voinut vanhentua, tai se on jo lähetetty.",
    "handover_used": (
        "Tämä linkki on jo avattu, eikä sitä voi avata uudelleen. Jos avasit sen itse, jatka samalla selaimella "
        "osoitteessa {url} tai tallentamasi linkin tai jatkokoodin avulla. Muuten ota yhteyttä virastoon, joka "
        "lähetti linkin."
    ),
    "stale_page": "Sivu oli vanhentunut, eikä vastauksia tallennettu. Avaa lomake uudelleen ja jatka siitä.",
    "prefilled": "Esitäytetty.",
    "prefilled_locked": "Esitäytetty, et voi muuttaa tätä.",
    "same_as_filled": "Täytetty vastauksestasi kohtaan ”{question}”. Voit muuttaa tätä.",
    "answer_on_page": "{message} (sivu ”{page}”)",
    "no_prefill_here": "Kohtaa {pointer} ei voi esitäyttää: henkilö vastaa siihen itse tarkistussivulla.",
    # The form inventory's HTML page (`lomake inventory`, renderer/inventory.py)
    "inventory_title": "Lomakeluettelo",
    "inventory_made": "{n} lomaketta, vastaanottajina {agencies}. Tehty {made}.",
    "inventory_contents": "Sisältö",
    "inventory_forms": "Lomakkeet",
    "inventory_use": "Käyttö",
    "inventory_months": "Lähetykset kuukausittain",
    "inventory_completion": "Luonnosten lähetysosuus",
    "inventory_languages": "Kielet",
    "inventory_forms_caption": "Jokainen lomake: omistaja, versio, kielet, mitä se kysyy ja sen asiakirjatiedot",
    "inventory_form": "Lomake",
    "inventory_owner": "Viranomainen, omistaja, aihe",
    "inventory_version": "Versio",
    "inventory_questions": "Kysymyksiä",
    "inventory_required": "Pakollisia",
    "inventory_attachments": "Liitteet",
    "inventory_pages": "Sivuja",
    "inventory_identifiers": "Tunnukset",
    "inventory_publicity": "Julkisuus",
    "inventory_retention": "Säilytysaika (päivää)",
    "inventory_accessibility": "Saavutettavuus",
    "inventory_changed": "muutettu {date}",
    "inventory_not_offered": "ei tarjolla",
    "inventory_untranslated": "{share} ({n} kääntämättä)",
    "inventory_some_required": "osa aina pakollisia",
    "inventory_none": "ei yhtään",
    "inventory_publicity_public": "julkinen",
    "inventory_publicity_confidential": "salassa pidettävä",
    "inventory_publicity_partly-confidential": "osittain salassa pidettävä",
    "inventory_publicity_none": "ei ilmoitettu",
    "inventory_not_audited": "ei tarkistettu",
    "inventory_not_audited_since": "ei tarkistettu muutoksen jälkeen",
    "inventory_no_problems": "ei puutteita ({date})",
    "inventory_problems": "puutteita {n} ({date})",
    "inventory_use_caption": "Lähetykset, luonnokset ja aika luonnoksen aloittamisesta sen lähettämiseen lomakkeittain",
    "inventory_last_30_days": "Viimeiset 30 päivää",
    "inventory_last_365_days": "Viimeiset 365 päivää",
    "inventory_drafts_started": "Luonnoksia aloitettu",
    "inventory_drafts_sent": "Luonnoksia lähetetty",
    "inventory_median": "Aika lähettämiseen (mediaani)",
    "inventory_drafts_kept": (
        "Luonnokset lasketaan niin kauan kuin ne säilytetään: luonnos poistetaan, kun se "
        "vanhenee, lähetettiin se tai ei."
    ),
    "inventory_months_lead": "Viimeiset 12 kuukautta Suomen aikaa, kukin lomake omalla asteikollaan.",
    "inventory_month_total": "{n} lähetystä, enintään {top} kuukaudessa",
    "inventory_no_submissions": "ei lähetyksiä",
    "inventory_month_chart": "Lähetykset kuukausittain: {form}",
    "inventory_months_caption": "Lähetykset kuukausittain lomakkeittain",
    "inventory_completion_lead": "Aloitetuista luonnoksista lähetettyjen osuus lomakkeittain.",
    "inventory_numbers_in_use": "Luvut ovat Käyttö-taulukossa.",
    "inventory_completion_chart": "Luonnosten lähetysosuus lomakkeittain",
    "inventory_rate_of": "{rate} {n} luonnoksesta",
    "inventory_rate_sent": "{form}: lähetetty {value}",
    "inventory_no_drafts": "ei luonnoksia",
    "inventory_languages_lead": (
        "Kunkin lomakkeen tekstien käännetty osuus kielittäin (lomakkeen omat ja sen "
        "jaettujen osien tekstit)."
    ),
    "inventory_languages_chart": "Käännösten kattavuus lomakkeittain",
    "inventory_languages_caption": "Käännetyt tekstit lomakkeittain ja kielittäin",
    "inventory_texts": "Tekstejä",
    "duration_seconds": "{n} s",
    "duration_minutes": "{n} min",
    "duration_hours": "{n} h",
    "duration_days": "{n} vrk",
    "inventory_identifier_fi-hetu": "henkilötunnus",
    "inventory_identifier_fi-business-id": "Y-tunnus",
    "inventory_identifier_iban": "tilinumero (IBAN)",
    "inventory_identifier_fi-postal-code": "postinumero",
    "inventory_identifier_phone": "puhelinnumero",
    # A CSV export's column titles (`lomake export --titles`, `?titles=1`)
    "export_id": "Lähetyksen tunniste",
    "export_received_at": "Saapumisaika (UTC)",
    "export_form_version": "Lomakkeen versio",
}


def _placeholders(template: str) -> set[tuple[str, str | None, str]] | None:
    """The `{name!conversion:spec}` fields of a template, or None if its braces do not parse."""
    try:
        return {(name, conversion, spec or "") for _, name, spec, conversion in Formatter().parse(template)
                if name is not None}
    except ValueError:
        return None


def _translations(lang: str, locale: Path | None = None, finnish: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every key of `finnish` (by default `_MESSAGES`) in `lang`: its translation from `<locale>/<lang>.po` (by
    default `LOCALE`), else the Finnish text."""
    finnish = _MESSAGES if finnish is None else finnish
    found: dict[str, str] = {}
    path = (locale or LOCALE) / f"{lang}.po"
    if path.exists():
        with path.open("rb") as file:
            catalog = read_po(file)
        for message in catalog:
            key, string = message.context, message.string
            if (key is None or key not in finnish or message.id != finnish[key] or message.fuzzy
                    or not isinstance(string, str) or not string):
                continue
            if _placeholders(string) != _placeholders(finnish[key]):
                logging.getLogger(__name__).warning("%s: %s: the placeholders differ from the Finnish text's; "
                                                    "shown in Finnish", path, key)
                continue
            found[key] = string
    return {key: found.get(key, text) for key, text in finnish.items()}


@cache
def _texts(lang: str, finnish: Mapping[str, str] = _MESSAGES, locale: Path = LOCALE) -> Mapping[str, str]:
    """Key to template in `lang`, one of `LANGUAGES`: read on first use, read-only, from the package's own texts
    and catalogs (bound here, so the same in every process and test, whatever a test sets)."""
    return MappingProxyType(dict(finnish) if lang == "fi" else _translations(lang, locale, finnish))


def has_text(key: str) -> bool:
    return key in _MESSAGES


def text(lang: str, key: str, **params: object) -> str:
    """The message `key` in `lang` (Finnish when the language is unknown), with `params` filled in."""
    template = _texts(lang if lang in LANGUAGES else "fi")[key]
    return template.format(**params) if params else template


def file_size(size: int, lang: str) -> str:
    """A file's size as people read it: `1,2 Mt`, `340 kt`, `1.2 MB`."""
    kilo, mega = ("kt", "Mt") if lang == "fi" else ("kB", "MB")
    if size >= 1024 * 1024:
        shown = f"{size / 1024 / 1024:.1f}".removesuffix(".0")
        return f"{shown.replace('.', ',') if lang != 'en' else shown} {mega}"
    return f"{max(1, round(size / 1024))} {kilo}"


def pick_language(wanted: str | None, accept_language: str | None, offered: tuple[str, ...]) -> str:
    """The page language: `?lang=` first, then Accept-Language, then the first language offered."""
    if wanted in offered:
        return wanted
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in offered:
            return code
    return offered[0]
