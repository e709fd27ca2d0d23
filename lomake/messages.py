"""Every interface string a person sees, in Finnish, Swedish and English.

One entry point, `text(lang, key, **params)`. Messages follow the GOV.UK and Suomi.fi
rules: say what to do, in the label's own words; never "invalid", "please" or "sorry".
"""

from __future__ import annotations

LANGUAGES = ("fi", "sv", "en")

_MESSAGES: dict[str, dict[str, str]] = {
    # Page furniture
    "skip": {"fi": "Siirry sisältöön", "sv": "Gå till innehållet", "en": "Skip to content"},
    "optional": {"fi": "(valinnainen)", "sv": "(valfritt)", "en": "(optional)"},
    "submit": {"fi": "Lähetä", "sv": "Skicka", "en": "Send"},
    "language": {"fi": "Kieli", "sv": "Språk", "en": "Language"},
    "language_name": {"fi": "suomeksi", "sv": "på svenska", "en": "in English"},
    "error_prefix": {"fi": "Virhe:", "sv": "Fel:", "en": "Error:"},
    "error_summary": {"fi": "Tarkista seuraavat kohdat", "sv": "Kontrollera följande", "en": "There is a problem"},
    "forms": {"fi": "Lomakkeet", "sv": "Blanketter", "en": "Forms"},
    "no_forms": {"fi": "Lomakkeita ei ole.", "sv": "Det finns inga blanketter.", "en": "There are no forms."},
    "accessibility": {
        "fi": "Saavutettavuusseloste",
        "sv": "Tillgänglighetsutlåtande",
        "en": "Accessibility statement",
    },
    "not_found": {"fi": "Sivua ei löytynyt", "sv": "Sidan hittades inte", "en": "Page not found"},
    "not_found_text": {
        "fi": "Tarkista osoite. Jos kirjoitit sen itse, siinä voi olla kirjoitusvirhe.",
        "sv": "Kontrollera adressen. Om du skrev den själv kan den innehålla ett skrivfel.",
        "en": "Check the address. If you typed it, it may have a typing error.",
    },
    "request_problem": {"fi": "Pyyntöä ei voitu käsitellä", "sv": "Begäran kunde inte behandlas",
                        "en": "The request could not be handled"},
    "back_to_forms": {"fi": "Kaikki lomakkeet", "sv": "Alla blanketter", "en": "All forms"},
    # Field parts
    "day": {"fi": "Päivä", "sv": "Dag", "en": "Day"},
    "month": {"fi": "Kuukausi", "sv": "Månad", "en": "Month"},
    "year": {"fi": "Vuosi", "sv": "År", "en": "Year"},
    "date_hint": {"fi": "Esimerkiksi 15.3.2025", "sv": "Till exempel 15.3.2025", "en": "For example, 15 3 2025"},
    "max_chars": {"fi": "Enintään {n} merkkiä.", "sv": "Högst {n} tecken.", "en": "Up to {n} characters."},
    "json_hint": {
        "fi": "Kirjoita vastaus JSON-muodossa.",
        "sv": "Skriv svaret i JSON-format.",
        "en": "Write the answer as JSON.",
    },
    "choose": {"fi": "Valitse", "sv": "Välj", "en": "Choose"},
    "answer_if_value": {"fi": "Vastaa, jos valitsit kohdassa ”{label}” {value}.",
                        "sv": "Svara om du valde {value} i ”{label}”.",
                        "en": "Answer if you chose {value} for “{label}”."},
    "answer_unless_value": {"fi": "Vastaa, jos et valinnut kohdassa ”{label}” {value}.",
                            "sv": "Svara om du inte valde {value} i ”{label}”.",
                            "en": "Answer if you did not choose {value} for “{label}”."},
    "answer_if_answered": {"fi": "Vastaa, jos vastasit kohtaan ”{label}”.",
                           "sv": "Svara om du svarade på ”{label}”.",
                           "en": "Answer if you answered “{label}”."},
    "answer_if_applies": {"fi": "Vastaa, jos tämä koskee sinua.", "sv": "Svara om detta gäller dig.",
                          "en": "Answer if this applies to you."},
    "answer_unless_applies": {"fi": "Vastaa, jos edellinen ei koske sinua.",
                              "sv": "Svara om det föregående inte gäller dig.",
                              "en": "Answer if the above does not apply to you."},
    "or": {"fi": " tai ", "sv": " eller ", "en": " or "},
    "file_hint": {"fi": "Sallitut tiedostotyypit: {types}. Enintään {size}.",
                  "sv": "Tillåtna filtyper: {types}. Högst {size}.",
                  "en": "Accepted file types: {types}. Up to {size}."},
    "file_hint_any": {"fi": "Enintään {size}.", "sv": "Högst {size}.", "en": "Up to {size}."},
    "attachments": {"fi": "Liitteet", "sv": "Bilagor", "en": "Attachments"},
    "bytes": {"fi": "tavua", "sv": "byte", "en": "bytes"},
    "uploaded": {"fi": "Ladattu", "sv": "Uppladdad", "en": "Uploaded"},
    "file_too_large": {"fi": "Valitun tiedoston on oltava pienempi kuin {size}: ”{label}”.",
                       "sv": "Den valda filen måste vara mindre än {size}: ”{label}”.",
                       "en": "The selected file must be smaller than {size}: “{label}”."},
    "file_type": {"fi": "Valitse tiedosto, jonka tyyppi on {types}: ”{label}”.",
                  "sv": "Välj en fil av typen {types}: ”{label}”.",
                  "en": "Select a file of type {types}: “{label}”."},
    "file_gone": {"fi": "Lataa tiedosto uudelleen: ”{label}”.", "sv": "Ladda upp filen igen: ”{label}”.",
                  "en": "Upload the file again: “{label}”."},
    "option": {"fi": "Vaihtoehto {n}", "sv": "Alternativ {n}", "en": "Option {n}"},
    "answer_if": {"fi": "Vastaa, jos valitsit: {option}.", "sv": "Svara om du valde: {option}.",
                  "en": "Answer if you chose: {option}."},
    "add": {"fi": "Lisää: {label}", "sv": "Lägg till: {label}", "en": "Add: {label}"},
    "remove": {"fi": "Poista", "sv": "Ta bort", "en": "Remove"},
    "list_required": {"fi": "Lisää vähintään yksi: ”{label}”.", "sv": "Lägg till minst en: ”{label}”.",
                      "en": "Add at least one: “{label}”."},
    "list_min": {"fi": "Lisää vähintään {n}: ”{label}”.", "sv": "Lägg till minst {n}: ”{label}”.",
                 "en": "Add at least {n}: “{label}”."},
    "list_max": {"fi": "Enintään {n}: ”{label}”. Poista ylimääräiset.", "sv": "Högst {n}: ”{label}”. Ta bort resten.",
                 "en": "No more than {n}: “{label}”. Remove the rest."},
    "pairs": {"fi": "Muut tiedot", "sv": "Övriga uppgifter", "en": "Other details"},
    "pair_name": {"fi": "Nimi", "sv": "Namn", "en": "Name"},
    "pair_value": {"fi": "Arvo", "sv": "Värde", "en": "Value"},
    "pair_row": {"fi": "Tieto {n}", "sv": "Uppgift {n}", "en": "Detail {n}"},
    "pair_key": {
        "fi": "Kirjoita arvolle nimi.",
        "sv": "Skriv ett namn för värdet.",
        "en": "Enter a name for the value.",
    },
    "yes": {"fi": "Kyllä", "sv": "Ja", "en": "Yes"},
    "no": {"fi": "Ei", "sv": "Nej", "en": "No"},
    # Confirmation and receipt
    "received": {"fi": "Lomake on vastaanotettu", "sv": "Blanketten har tagits emot", "en": "Form received"},
    "reference": {"fi": "Viitenumero", "sv": "Referensnummer", "en": "Reference number"},
    "received_at": {"fi": "Saapumisaika", "sv": "Ankomsttid", "en": "Time of arrival"},
    "receipt": {"fi": "Vastaanottokuittaus", "sv": "Mottagningskvitto", "en": "Receipt"},
    "receipt_link": {
        "fi": "Lataa vastaanottokuittaus (PDF)",
        "sv": "Ladda ner mottagningskvittot (PDF)",
        "en": "Download the receipt (PDF)",
    },
    "what_next": {"fi": "Mitä seuraavaksi tapahtuu", "sv": "Vad händer härnäst", "en": "What happens next"},
    "what_next_text": {
        "fi": "{agency} käsittelee asian ja ottaa sinuun yhteyttä. Mainitse viitenumero, "
              "jos täydennät asiaa tai kysyt siitä.",
        "sv": "{agency} behandlar ärendet och kontaktar dig. Ange referensnumret "
              "om du kompletterar ärendet eller frågar om det.",
        "en": "{agency} will handle the matter and contact you. Quote the reference number "
              "if you add to the matter or ask about it.",
    },
    "not_examined": {
        "fi": "Kuittaus osoittaa, että asiakirja on saapunut. Se ei tarkoita, että asia olisi jo tutkittu.",
        "sv": "Kvittot visar att handlingen har kommit in. Det betyder inte att ärendet redan har prövats.",
        "en": "This receipt shows that the document has arrived. It does not mean the matter has been examined.",
    },
    "supplement": {
        "fi": "Voit täydentää tai peruuttaa asian ottamalla yhteyttä viranomaiseen ja mainitsemalla viitenumeron.",
        "sv": "Du kan komplettera eller återkalla ärendet genom att kontakta myndigheten och ange referensnumret.",
        "en": "To add to or withdraw the matter, contact the authority and quote the reference number.",
    },
    "answers": {"fi": "Vastaukset", "sv": "Svar", "en": "Answers"},
    "authority": {"fi": "Vastaanottava viranomainen", "sv": "Mottagande myndighet", "en": "Receiving authority"},
    "form": {"fi": "Lomake", "sv": "Blankett", "en": "Form"},
    "form_version": {"fi": "{id}, versio {version}", "sv": "{id}, version {version}", "en": "{id}, version {version}"},
    "checksum": {"fi": "Tietojen SHA-256-tiiviste", "sv": "Uppgifternas SHA-256-kontrollsumma",
                 "en": "SHA-256 of the submitted data"},
    "not_answered": {"fi": "Ei vastausta", "sv": "Inget svar", "en": "Not answered"},
    "time_format": {"fi": "{date} klo {time}", "sv": "{date} kl. {time}", "en": "{date} at {time}"},
    "finnish_time": {"fi": "Suomen aikaa", "sv": "finsk tid", "en": "Finnish time"},
    # Acting on behalf (submission/acting.py): who the sender acted for, on what ground.
    "acting": {"fi": "Kenen puolesta", "sv": "För vem", "en": "On whose behalf"},
    "acting_self": {"fi": "Lähettäjä toimi omasta puolestaan.", "sv": "Avsändaren agerade för egen räkning.",
                    "en": "The sender acted on their own behalf."},
    "acting_other": {"fi": "Lähettäjä toimi {whom} puolesta, peruste: {ground}.",
                     "sv": "Avsändaren företrädde {whom}, grund: {ground}.",
                     "en": "The sender acted on behalf of {whom}, on the ground: {ground}."},
    "acting_whom_person": {"fi": "henkilön {name}", "sv": "{name}", "en": "{name}"},
    "acting_whom_organisation": {"fi": "organisaation {name}", "sv": "{name}", "en": "{name}"},
    "acting_whom_unknown": {"fi": "toisen", "sv": "någon annan", "en": "someone else"},
    "acting_ground:guardian_of_minor": {"fi": "alaikäisen huoltaja", "sv": "vårdnadshavare för en minderårig",
                                        "en": "guardian of a minor"},
    "acting_ground:court_appointed_guardian": {"fi": "tuomioistuimen määräämä edunvalvoja",
                                               "sv": "intressebevakare förordnad av domstol",
                                               "en": "guardian appointed by a court"},
    "acting_ground:trade_register_role": {"fi": "asema kaupparekisterissä", "sv": "ställning i handelsregistret",
                                          "en": "a role in the Trade Register"},
    "acting_ground:suomifi_mandate": {"fi": "Suomi.fi-valtuus", "sv": "Suomi.fi-fullmakt",
                                      "en": "Suomi.fi e-Authorization"},
    "acting_ground:power_of_attorney": {"fi": "valtakirja", "sv": "fullmakt", "en": "power of attorney"},
    "acting_ground:no_mandate": {"fi": "ei valtakirjaa tai muuta oikeutta",
                                 "sv": "ingen fullmakt eller annan rätt",
                                 "en": "no power of attorney or other right"},
    "acting_ground_unknown": {"fi": "ei kerrottu", "sv": "inte angiven", "en": "not given"},
    "acting_mandate_theme": {"fi": "{ground}, valtuusasia ”{theme}”", "sv": "{ground}, fullmaktsärende ”{theme}”",
                             "en": "{ground}, mandate theme “{theme}”"},
    "acting_attached": {"fi": "{ground} (liitteenä {file})", "sv": "{ground} (bifogad: {file})",
                        "en": "{ground} (attached: {file})"},
    # Validation messages: {label} is the field's label.
    "required_text": {"fi": "Kirjoita ”{label}”.", "sv": "Fyll i ”{label}”.", "en": "Enter “{label}”."},
    "required_choice": {"fi": "Valitse ”{label}”.", "sv": "Välj ”{label}”.", "en": "Select “{label}”."},
    "required_declaration": {
        "fi": "Vahvista: ”{label}”.",
        "sv": "Bekräfta: ”{label}”.",
        "en": "Confirm: “{label}”.",
    },
    "required_date": {
        "fi": "Kirjoita ”{label}” päivänä, kuukautena ja vuotena.",
        "sv": "Fyll i ”{label}” som dag, månad och år.",
        "en": "Enter “{label}” as a day, month and year.",
    },
    "date_missing_part": {
        "fi": "Päivämäärästä ”{label}” puuttuu {part}.",
        "sv": "Datumet ”{label}” saknar {part}.",
        "en": "“{label}” must include a {part}.",
    },
    "date_real": {
        "fi": "Kirjoita ”{label}” oikeana päivämääränä, esimerkiksi 15.3.2025.",
        "sv": "Fyll i ”{label}” som ett riktigt datum, till exempel 15.3.2025.",
        "en": "Enter “{label}” as a real date, for example 15 3 2025.",
    },
    "part_day": {"fi": "päivä", "sv": "dag", "en": "day"},
    "part_month": {"fi": "kuukausi", "sv": "månad", "en": "month"},
    "part_year": {"fi": "vuosi", "sv": "år", "en": "year"},
    "integer": {
        "fi": "Kirjoita ”{label}” kokonaislukuna, esimerkiksi 12.",
        "sv": "Fyll i ”{label}” som ett heltal, till exempel 12.",
        "en": "Enter “{label}” as a whole number, for example 12.",
    },
    "number": {
        "fi": "Kirjoita ”{label}” numeroina, esimerkiksi 12,5.",
        "sv": "Fyll i ”{label}” med siffror, till exempel 12,5.",
        "en": "Enter “{label}” as a number, for example 12.5.",
    },
    "minimum": {"fi": "”{label}” on oltava vähintään {n}.", "sv": "”{label}” måste vara minst {n}.",
                "en": "“{label}” must be {n} or more."},
    "maximum": {"fi": "”{label}” voi olla enintään {n}.", "sv": "”{label}” får vara högst {n}.",
                "en": "“{label}” must be {n} or less."},
    "exclusiveMinimum": {"fi": "”{label}” on oltava suurempi kuin {n}.", "sv": "”{label}” måste vara större än {n}.",
                         "en": "“{label}” must be more than {n}."},
    "exclusiveMaximum": {"fi": "”{label}” on oltava pienempi kuin {n}.", "sv": "”{label}” måste vara mindre än {n}.",
                         "en": "“{label}” must be less than {n}."},
    "multipleOf": {"fi": "”{label}” on oltava luvun {n} monikerta.", "sv": "”{label}” måste vara en multipel av {n}.",
                   "en": "“{label}” must be a multiple of {n}."},
    "maxLength": {
        "fi": "”{label}” voi olla enintään {n} merkkiä pitkä.",
        "sv": "”{label}” får vara högst {n} tecken lång.",
        "en": "“{label}” must be {n} characters or fewer.",
    },
    "minLength": {
        "fi": "”{label}” on oltava vähintään {n} merkkiä pitkä.",
        "sv": "”{label}” måste vara minst {n} tecken lång.",
        "en": "“{label}” must be {n} characters or more.",
    },
    "pattern": {
        "fi": "Tarkista kohdan ”{label}” muoto.",
        "sv": "Kontrollera formatet i ”{label}”.",
        "en": "Check the format of “{label}”.",
    },
    "format_email": {
        "fi": "Kirjoita ”{label}” muodossa nimi@esimerkki.fi.",
        "sv": "Fyll i ”{label}” i formatet namn@exempel.fi.",
        "en": "Enter “{label}” in the format name@example.com.",
    },
    "format_uri": {
        "fi": "Kirjoita ”{label}” kokonaisena osoitteena, esimerkiksi https://www.esimerkki.fi.",
        "sv": "Fyll i ”{label}” som en fullständig adress, till exempel https://www.exempel.fi.",
        "en": "Enter “{label}” as a full address, for example https://www.example.com.",
    },
    "format_time": {
        "fi": "Kirjoita ”{label}” kellonaikana, esimerkiksi 14:30.",
        "sv": "Fyll i ”{label}” som ett klockslag, till exempel 14:30.",
        "en": "Enter “{label}” as a time, for example 14:30.",
    },
    "format_date_time": {
        "fi": "Kirjoita ”{label}” päivämääränä ja kellonaikana.",
        "sv": "Fyll i ”{label}” som datum och klockslag.",
        "en": "Enter “{label}” as a date and a time.",
    },
    "format": {"fi": "Tarkista kohdan ”{label}” muoto.", "sv": "Kontrollera formatet i ”{label}”.",
               "en": "Check the format of “{label}”."},
    "choice": {
        "fi": "Valitse ”{label}” annetuista vaihtoehdoista.",
        "sv": "Välj ”{label}” bland alternativen.",
        "en": "Select “{label}” from the options given.",
    },
    "minItems": {"fi": "Valitse kohdasta ”{label}” vähintään {n}.", "sv": "Välj minst {n} i ”{label}”.",
                 "en": "Select at least {n} for “{label}”."},
    "maxItems": {"fi": "Valitse kohdasta ”{label}” enintään {n}.", "sv": "Välj högst {n} i ”{label}”.",
                 "en": "Select no more than {n} for “{label}”."},
    "uniqueItems": {"fi": "Kohdassa ”{label}” on sama vastaus kahdesti.", "sv": "”{label}” har samma svar två gånger.",
                    "en": "“{label}” has the same answer twice."},
    "json": {
        "fi": "Kirjoita ”{label}” JSON-muodossa.",
        "sv": "Fyll i ”{label}” i JSON-format.",
        "en": "Write “{label}” as JSON.",
    },
    "type": {
        "fi": "Tarkista ”{label}”: odotettiin tyyppiä {type}.",
        "sv": "Kontrollera ”{label}”: typen {type} väntades.",
        "en": "“{label}” must be of type {type}.",
    },
    "additionalProperties": {
        "fi": "Lomakkeessa ei ole kohtaa ”{name}”.",
        "sv": "Blanketten har ingen punkt ”{name}”.",
        "en": "The form has no field “{name}”.",
    },
    # Identifiers: what is wrong, in the words people know.
    "fi-hetu:format": {"fi": "Kirjoita henkilötunnus muodossa PPKKVV-NNNT, esimerkiksi 131052-308T.",
                       "sv": "Skriv personbeteckningen i formatet DDMMÅÅ-NNNT, till exempel 131052-308T.",
                       "en": "Enter the personal identity code as DDMMYY-NNNC, for example 131052-308T."},
    "fi-hetu:date": {"fi": "Henkilötunnuksen alussa on oltava oikea syntymäaika (PPKKVV).",
                     "sv": "Personbeteckningen måste börja med ett riktigt födelsedatum (DDMMÅÅ).",
                     "en": "The personal identity code must start with a real date of birth (DDMMYY)."},
    "fi-hetu:checksum": {"fi": "Henkilötunnuksen tarkistusmerkki ei täsmää. Tarkista tunnus.",
                         "sv": "Personbeteckningens kontrolltecken stämmer inte. Kontrollera beteckningen.",
                         "en": "The check character of the personal identity code does not match. Check the code."},
    "fi-hetu:temporary": {"fi": "Väliaikaista henkilötunnusta ei voi käyttää. Kirjoita pysyvä henkilötunnus.",
                          "sv": "En tillfällig personbeteckning kan inte användas. Skriv den permanenta.",
                          "en": "A temporary identity code cannot be used. Enter the permanent one."},
    "fi-business-id:format": {"fi": "Kirjoita Y-tunnus muodossa 1234567-8.",
                              "sv": "Skriv FO-numret i formatet 1234567-8.",
                              "en": "Enter the Business ID as 1234567-8."},
    "fi-business-id:checksum": {"fi": "Y-tunnuksen tarkistusnumero ei täsmää. Tarkista tunnus.",
                                "sv": "FO-numrets kontrollsiffra stämmer inte. Kontrollera numret.",
                                "en": "The check digit of the Business ID does not match. Check the ID."},
    "iban:format": {"fi": "Kirjoita tilinumero IBAN-muodossa, esimerkiksi FI21 1234 5600 0007 85.",
                    "sv": "Skriv kontonumret i IBAN-format, till exempel FI21 1234 5600 0007 85.",
                    "en": "Enter the account number as an IBAN, for example FI21 1234 5600 0007 85."},
    "iban:checksum": {"fi": "Tilinumeron tarkisteet eivät täsmää. Tarkista tilinumero.",
                      "sv": "Kontonumrets kontrollsiffror stämmer inte. Kontrollera kontonumret.",
                      "en": "The check digits of the account number do not match. Check the number."},
    "iban:country": {"fi": "Tilinumeron maatunnusta ei tunnisteta. Tarkista tilinumeron alku.",
                     "sv": "Kontonumrets landskod känns inte igen. Kontrollera början av numret.",
                     "en": "The country code of the account number is not known. Check its start."},
    "fi-postal-code:format": {"fi": "Kirjoita postinumero viidellä numerolla, esimerkiksi 00100.",
                              "sv": "Skriv postnumret med fem siffror, till exempel 00100.",
                              "en": "Enter the postcode as five digits, for example 00100."},
    "phone:format": {"fi": "Kirjoita puhelinnumero, esimerkiksi 040 123 4567 tai +358 40 123 4567.",
                     "sv": "Skriv telefonnumret, till exempel 040 123 4567 eller +358 40 123 4567.",
                     "en": "Enter a phone number, for example 040 123 4567 or +358 40 123 4567."},
    "generic": {"fi": "Tarkista ”{label}”.", "sv": "Kontrollera ”{label}”.", "en": "Check “{label}”."},
    "the_answers": {"fi": "vastaukset", "sv": "svaren", "en": "the answers"},
    # API and request errors
    "malformed_json": {"fi": "Pyynnön runko ei ole kelvollista JSONia: {detail}",
                       "sv": "Begärans innehåll är inte giltig JSON: {detail}",
                       "en": "The request body is not well-formed JSON: {detail}"},
    "not_an_object": {
        "fi": "Pyynnön rungon on oltava JSON-objekti.",
        "sv": "Begärans innehåll måste vara ett JSON-objekt.",
        "en": "The request body must be a JSON object.",
    },
    "too_large": {"fi": "Pyyntö on liian suuri: enintään {n} tavua.", "sv": "Begäran är för stor: högst {n} byte.",
                  "en": "The request is too large: at most {n} bytes."},
    "media_type": {"fi": "Lähetä {expected}.", "sv": "Skicka {expected}.", "en": "Send {expected}."},
    "unknown_form": {"fi": "Lomaketta ”{form_id}” ei ole.", "sv": "Blanketten ”{form_id}” finns inte.",
                     "en": "There is no form “{form_id}”."},
    "cross_origin": {"fi": "Toiselta sivustolta lähetettyä lomaketta ei hyväksytä.",
                     "sv": "En blankett som skickats från en annan webbplats godtas inte.",
                     "en": "A form sent from another site is not accepted."},
    "bad_form_body": {"fi": "Lomakkeen tietoja ei voitu lukea.", "sv": "Blankettens uppgifter kunde inte läsas.",
                      "en": "The form data could not be read."},
    # Long forms: pages, review, drafts
    "back": {"fi": "Takaisin", "sv": "Tillbaka", "en": "Back"},
    "step": {"fi": "Vaihe {n}/{count}", "sv": "Steg {n}/{count}", "en": "Step {n} of {count}"},
    "continue": {"fi": "Jatka", "sv": "Fortsätt", "en": "Continue"},
    "save_later": {"fi": "Tallenna ja jatka myöhemmin", "sv": "Spara och fortsätt senare",
                   "en": "Save and continue later"},
    "review_title": {"fi": "Tarkista vastaukset", "sv": "Kontrollera dina svar", "en": "Check your answers"},
    "review_lead": {
        "fi": "Tarkista vastauksesi ennen lähettämistä. Voit muuttaa niitä Muuta-linkeistä.",
        "sv": "Kontrollera dina svar innan du skickar. Du kan ändra dem med länkarna Ändra.",
        "en": "Check your answers before you send them. You can change them with the Change links.",
    },
    "change": {"fi": "Muuta", "sv": "Ändra", "en": "Change"},
    "draft_kept": {"fi": "Vastauksesi säilyvät {when} asti.", "sv": "Dina svar sparas till {when}.",
                   "en": "Your answers are kept until {when}."},
    "draft_expiring": {
        "fi": "Luonnoksesi poistetaan pian ({when}). Jos tarvitset lisää aikaa, jatka sen voimassaoloa.",
        "sv": "Ditt utkast raderas snart ({when}). Om du behöver mer tid, förläng det.",
        "en": "Your draft will be deleted soon ({when}). If you need more time, keep it longer.",
    },
    "extend": {"fi": "Säilytä luonnos {days} päivää", "sv": "Spara utkastet i {days} dagar",
               "en": "Keep my draft for {days} days"},
    "saved_title": {"fi": "Luonnos on tallennettu", "sv": "Utkastet har sparats", "en": "Your draft is saved"},
    "saved_link": {
        "fi": "Voit jatkaa täyttämistä myöhemmin tästä linkistä:",
        "sv": "Du kan fortsätta fylla i blanketten senare med den här länken:",
        "en": "You can continue later with this link:",
    },
    "saved_code": {
        "fi": "Tai anna palvelupisteessä tai sivulla {url} tämä jatkokoodi:",
        "sv": "Eller ge den här fortsättningskoden vid en serviceställe eller på sidan {url}:",
        "en": "Or give this resume code at a service point or on the page {url}:",
    },
    "saved_expiry": {
        "fi": "Luonnos poistetaan {when}, jos et jatka sitä ennen.",
        "sv": "Utkastet raderas {when} om du inte fortsätter innan dess.",
        "en": "The draft will be deleted on {when} unless you continue before then.",
    },
    "saved_keep_safe": {
        "fi": "Pidä linkki ja koodi tallessa: kuka tahansa pääsee niillä vastauksiisi.",
        "sv": "Förvara länken och koden väl: vem som helst kommer åt dina svar med dem.",
        "en": "Keep the link and the code safe: anyone who has them can see your answers.",
    },
    "continue_filling": {"fi": "Jatka täyttämistä", "sv": "Fortsätt fylla i", "en": "Continue filling in"},
    "resume_title": {"fi": "Jatka tallennettua lomaketta", "sv": "Fortsätt med en sparad blankett",
                     "en": "Continue a saved form"},
    "resume_code": {"fi": "Jatkokoodi", "sv": "Fortsättningskod", "en": "Resume code"},
    "resume_code_hint": {"fi": "12 merkkiä, esimerkiksi K7QM-3XRT-9HBD", "sv": "12 tecken, till exempel K7QM-3XRT-9HBD",
                         "en": "12 characters, for example K7QM-3XRT-9HBD"},
    "resume_code_wrong": {
        "fi": "Kirjoita jatkokoodi sellaisena kuin sait sen. "
              "Vanhentuneella tai jo lähetetyllä luonnoksella ei voi jatkaa.",
        "sv": "Skriv fortsättningskoden som du fick den. "
              "Ett utkast som har gått ut eller redan skickats kan inte fortsättas.",
        "en": "Enter the resume code as you were given it. "
              "A draft that has expired or was already sent cannot be continued.",
    },
    "draft_gone": {
        "fi": "Luonnosta ei löytynyt. Se on voinut vanhentua, tai se on jo lähetetty.",
        "sv": "Utkastet hittades inte. Det kan ha gått ut eller redan skickats.",
        "en": "The draft was not found. It may have expired or already been sent.",
    },
    "stale_page": {
        "fi": "Sivu oli vanhentunut, eikä vastauksia tallennettu. Avaa lomake uudelleen ja jatka siitä.",
        "sv": "Sidan var föråldrad och svaren sparades inte. Öppna blanketten på nytt och fortsätt därifrån.",
        "en": "The page was out of date and your answers were not saved. Open the form again and continue from there.",
    },
    "prefilled": {"fi": "Esitäytetty.", "sv": "Förifylld.", "en": "Prefilled."},
    "prefilled_locked": {"fi": "Esitäytetty, et voi muuttaa tätä.", "sv": "Förifylld, du kan inte ändra detta.",
                         "en": "Prefilled; you cannot change this."},
    "answer_on_page": {"fi": "{message} (sivu ”{page}”)", "sv": "{message} (sidan ”{page}”)",
                       "en": "{message} (page “{page}”)"},
    "no_prefill_here": {
        "fi": "Kohtaa {pointer} ei voi esitäyttää: henkilö vastaa siihen itse tarkistussivulla.",
        "sv": "Punkten {pointer} kan inte förifyllas: personen svarar själv på den på kontrollsidan.",
        "en": "{pointer} cannot be prefilled: the person answers it on the review page.",
    },
    "not_paged": {
        "fi": "Lomakkeella ei ole sivuja eikä luonnoksia.",
        "sv": "Blanketten har inga sidor och inga utkast.",
        "en": "This form has no pages and no drafts.",
    },
}


def has_text(key: str) -> bool:
    return key in _MESSAGES


def text(lang: str, key: str, **params: object) -> str:
    """The message `key` in `lang` (Finnish when the language is unknown), with `params` filled in."""
    entry = _MESSAGES[key]
    template = entry.get(lang) or entry["fi"]
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
