"""A screenshot gallery of every sample form: `python -m tests.gallery --out DIR`.

Starts a real `lomake serve` over the sample forms (a fresh SQLite file) and photographs, in Chromium at each
width and in each language, each form's start, question, error, saved, review, confirmation and receipt states,
then writes `DIR/index.html` showing them side by side. Pages are filled in over plain HTTP with the sample
answers of `tests/samples.py`, as a browser without JavaScript sends them; the browser then carries on with the
same cookies. The receipt is its real PDF, as the confirmation page links it, its pages drawn one under another
(pypdfium2): one picture whatever the widths, `-receipt.png`.

    .venv/bin/python -m tests.gallery --out /tmp/gallery                    # 4 forms x 3 languages x 2 widths
    .venv/bin/python -m tests.gallery --out /tmp/g --forms kantelu --langs fi --widths 320
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html

from core.catalog import load_catalog
from core.forms import Catalog
from core.view.build import form_view
from lomake.audit import chromium
from submission.coerce import form_values
from tests.conftest import SCHEMAS, read_form, serving
from tests.samples import KANTELU, OIKAISUVAATIMUS, SAAVUTETTAVUUSPALAUTE, YMPARISTOLUPA
from tests.test_sample_forms import files_out

SAMPLES: dict[str, dict[str, Any]] = {"kantelu": KANTELU, "oikaisuvaatimus": OIKAISUVAATIMUS,
                                      "ymparistolupa": YMPARISTOLUPA, "saavutettavuuspalaute": SAAVUTETTAVUUSPALAUTE}
STATES = ("start", "question", "error", "saved", "review", "confirmation", "receipt")
SUBMIT = "form.form button.button[type=submit]:not([name])"


class _Stay(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to read (their Location), not to follow."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Walker:
    """A browser without JavaScript, over HTTP: a cookie jar and the forms' sample answers."""

    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _Stay())

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return str(response.read().decode())

    def post(self, path: str, pairs: Sequence[tuple[str, str]], files: dict[str, tuple[str, bytes, str]]) -> str:
        """Posts multipart form data; the redirect's target (a page that answers 200 or 422 is a failure)."""
        if not files:
            return self.send(path, urllib.parse.urlencode(pairs).encode(), "application/x-www-form-urlencoded")
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n'.encode()
                 for n, v in pairs]
        parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"; filename="{f[0]}"\r\n'
                  f"Content-Type: {f[2]}\r\n\r\n".encode() + f[1] + b"\r\n" for n, f in files.items()]
        return self.send(path, b"".join(parts) + f"--{boundary}--\r\n".encode(),
                         f"multipart/form-data; boundary={boundary}")

    def send(self, path: str, body: bytes, media: str) -> str:
        request = urllib.request.Request(self.base + path, data=body, headers={"content-type": media})
        try:
            with self.opener.open(request, timeout=60) as response:
                raise AssertionError(f"{path} answered {response.status}, not a redirect")
        except urllib.error.HTTPError as answer:
            answer.close()
            if answer.code != 303:
                raise AssertionError(f"{path} answered {answer.code}") from None
            return str(answer.headers["location"])

    def cookies(self) -> list[dict[str, Any]]:
        return [{"name": c.name, "value": c.value or "", "url": self.base + c.path} for c in self.jar]


def filled(walker: Walker, catalog: Catalog, form_id: str, lang: str) -> str:
    """Fills in every page of the form with its sample answers; the review's address (a form with pages) or the
    confirmation's (a one-page form, sent)."""
    form = catalog.forms[form_id]
    answers, files = files_out(SAMPLES[form_id])
    values = form_values(form_view(form, lang).fields, answers)
    location = f"/forms/{form_id}/pages/{form.meta.pages[0].id}?lang={lang}" if not form.meta.one_page else \
        f"/forms/{form_id}?lang={lang}"
    while "/review" not in location and "/receipts/" not in location:
        page = walker.get(location)
        action, pairs = read_form(page)
        asked = {n.split("/")[1].split("[")[0] for n in lxml.html.fromstring(page).xpath("//form[@class='form']//@name")
                 if n.startswith("/")}
        chosen = {n: v for n, v in values.items() if n.split("/")[1].split("[")[0] in asked}
        sent = [(n, v) for n, v in pairs if n not in chosen] + [(n, v) for n, vs in chosen.items() for v in vs]
        location = walker.post(action, sent, {n: f for n, f in files.items() if n.split("/")[1] in asked})
    return location


def photograph(page: Any, out: Path, name: str, widths: Sequence[int]) -> Iterator[tuple[int, str]]:
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        file = f"{name}-{width}.png"
        page.screenshot(path=str(out / file), full_page=True)
        yield width, file


def states(browser: Any, base: str, catalog: Catalog, form_id: str, lang: str, out: Path, db_url: str,
           widths: Sequence[int]) -> dict[str, list[tuple[int, str]]]:
    """Every state of one form in one language: its photographs by state."""
    shots: dict[str, list[tuple[int, str]]] = {}
    stem = f"{form_id}-{lang}"
    context = browser.new_context(locale=lang)
    page = context.new_page()
    page.goto(f"{base}/forms/{form_id}?lang={lang}")
    shots["start"] = list(photograph(page, out, f"{stem}-start", widths))
    begin = page.locator("a.button--start")
    if begin.count():
        begin.click()
        shots["question"] = list(photograph(page, out, f"{stem}-question", widths))
    page.locator(SUBMIT).click()
    page.wait_for_load_state()
    shots["error"] = list(photograph(page, out, f"{stem}-error", widths))
    page.locator("form.form button[value=save]").click()
    page.wait_for_load_state()
    shots["saved"] = list(photograph(page, out, f"{stem}-saved", widths))
    context.close()
    walker = Walker(base)
    location = filled(walker, catalog, form_id, lang)
    context = browser.new_context(locale=lang)
    context.add_cookies(walker.cookies())
    page = context.new_page()
    page.goto(base + location)
    if "/review" in location:
        shots["review"] = list(photograph(page, out, f"{stem}-review", widths))
        for declaration in page.locator("form.form input[type=checkbox]").all():
            declaration.check()
        page.locator(SUBMIT).click()
        page.wait_for_url("**/receipts/**")
    shots["confirmation"] = list(photograph(page, out, f"{stem}-confirmation", widths))
    pdf_url = urllib.parse.urljoin(page.url, page.locator("a[href*='.pdf']").first.get_attribute("href") or "")
    shots["receipt"] = [drawn_pdf(pdf_url, out / f"{stem}-receipt.png")]
    context.close()
    return shots


def drawn_pdf(url: str, to: Path, scale: float = 2.0) -> tuple[int, str]:
    """The PDF at `url` drawn as one PNG at `to`, its pages one under another; (its width, its file name)."""
    import pypdfium2
    from PIL import Image

    with urllib.request.urlopen(url) as response:  # noqa: S310 (the gallery's own local server)
        pdf = pypdfium2.PdfDocument(response.read())
    pages = [page.render(scale=scale).to_pil() for page in pdf]
    sheet = Image.new("RGB", (max(p.width for p in pages), sum(p.height + 8 for p in pages)), "#777777")
    top = 0
    for drawn in pages:
        sheet.paste(drawn, (0, top))
        top += drawn.height + 8
    sheet.save(to)
    return sheet.width, to.name


def index(out: Path, shots: dict[tuple[str, str], dict[str, list[tuple[int, str]]]]) -> None:
    rows = []
    for (form_id, lang), by_state in shots.items():
        cells = "".join(
            f"<td>{''.join(f'<a href={f!r}><img src={f!r} width={w // 4} alt={f!r}></a>' for w, f in by_state[s])}</td>"
            if s in by_state else "<td>–</td>" for s in STATES)
        rows.append(f"<tr><th>{html.escape(form_id)} {lang}</th>{cells}</tr>")
    head = "".join(f"<th>{s}</th>" for s in STATES)
    (out / "index.html").write_text(
        "<!doctype html><html lang=en><meta charset=utf-8><title>Lomake gallery</title>"
        "<style>td{vertical-align:top}img{border:1px solid #999;margin:2px}</style>"
        f"<table><tr><th></th>{head}</tr>{''.join(rows)}</table></html>\n")


def gallery(out: Path, forms: Sequence[str], langs: Sequence[str], widths: Sequence[int], browser: Any = None) -> Path:
    """Photographs every state of `forms` into `out` (in `browser`, or a Chromium of its own); returns its
    `index.html`."""
    if browser is None:
        with chromium() as launched:
            return gallery(out, forms, langs, widths, launched)
    out.mkdir(parents=True, exist_ok=True)
    catalog = load_catalog(SCHEMAS)
    shots: dict[tuple[str, str], dict[str, list[tuple[int, str]]]] = {}
    with tempfile.TemporaryDirectory() as workdir:
        shutil.copytree(SCHEMAS, Path(workdir) / "schemas")
        db_url = f"sqlite:///{workdir}/lomake.sqlite3"
        with serving(Path(workdir), "--db", db_url) as base:
            for form_id in forms:
                for lang in langs:
                    shots[(form_id, lang)] = states(browser, base, catalog, form_id, lang, out, db_url, widths)
                    print(f"{form_id} {lang}: {', '.join(shots[(form_id, lang)])}", flush=True)
    index(out, shots)
    return out / "index.html"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.gallery", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files and index.html")
    parser.add_argument("--forms", default=",".join(SAMPLES), help="form ids, comma-separated")
    parser.add_argument("--langs", default="fi,sv,en", help="languages, comma-separated")
    parser.add_argument("--widths", default="320,1280", help="viewport widths in CSS px, comma-separated")
    args = parser.parse_args(argv)
    made = gallery(args.out, args.forms.split(","), args.langs.split(","), [int(w) for w in args.widths.split(",")])
    print(made)


if __name__ == "__main__":
    main()
