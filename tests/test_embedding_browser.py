"""Embedding in a real browser: an agency's page on another site frames the complaint with embed.js; it is
filled, saved, resumed and sent inside the frame, with axe-core run inside it; a site not in the agency's
`embed_origins` cannot frame it.

Lomake is served over HTTPS on `localhost` with a self-signed certificate made here (the openssl command; the
browser is told to accept it), as in production: embedded pages' cookies are `Secure; SameSite=None;
Partitioned`. The host pages are served over plain http on `127.0.0.1`: another site (another host and
scheme), so the frame is a cross-site iframe and its cookies live in the host site's partition.
"""

from __future__ import annotations

import json
import re
import shutil
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from core.catalog import load_catalog
from core.view.build import form_view
from lomake.audit import AXE, VNU, nu_messages
from submission.coerce import form_values
from tests import test_browser
from tests.conftest import ONE_PAGE_FORM, ONE_PAGE_SCHEMA, ROOT, SCHEMAS, free_port
from tests.samples import KANTELU
from tests.test_browser import SCREENSHOTS, axe_violations, require

pytestmark = pytest.mark.browser
#: Debian's Chromium, launched as for every browser test.
browser = test_browser.browser

#: The uvicorn server of the tests, over TLS: `lomake serve` speaks plain http (TLS ends at the proxy).
SERVE_TLS = """
import sys
from pathlib import Path
import uvicorn
from core.settings import Settings
from server import create_app
port, public = int(sys.argv[1]), sys.argv[2]
settings = Settings(schemas_dir=Path("schemas"), db_url="sqlite:///lomake.sqlite3", public_url=public)
uvicorn.run(create_app(settings), host="127.0.0.1", port=port, ssl_certfile="cert.pem", ssl_keyfile="key.pem",
            access_log=False, log_level="warning")
"""


#: The page docs/embedding.md shows, two forms on it; it names Lomake as `./dev serve` serves it.
EXAMPLE = ROOT / "docs" / "examples" / "embed.html"


def host_page(lomake: str, *forms: str) -> bytes:
    """An agency's page: its own header, text and styles, and the forms by embed.js."""
    boxes = "".join(f'<div data-lomake-form="{form}" data-lomake-lang="fi"></div>\n<p>Lomakkeen jälkeen.</p>\n'
                    for form in forms)
    return f"""<!doctype html>
<html lang="fi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kunnan sivu</title><script src="{lomake}/static/embed.js" defer></script>
<link rel="stylesheet" href="/site.css"></head>
<body><header><p>Esimerkkikunta</p></header><main><h1>Asiointi</h1><p>Ennen lomaketta.</p>
{boxes}</main></body></html>""".encode()


def fixed_frame(lomake: str) -> bytes:
    """An agency's page without embed.js: a plain iframe of a fixed height."""
    return f"""<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Kunnan sivu</title></head><body>
<main><h1>Asiointi</h1><iframe src="{lomake}/embed/forms/yksisivuinen?lang=fi" title="Kantelu" width="100%"
height="800"></iframe></main></body></html>""".encode()


#: The agency's own style sheet.
SITE_CSS = b"""body { margin: 0; font: 1rem/1.5 sans-serif; }
header { background: #003a5d; color: #fff; padding: .5rem 1rem; }
main { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
"""


class HostSite:
    """An agency's site on its own port: a few fixed pages and its style sheet, served in a thread under a strict
    Content-Security-Policy that lets in only its own styles, and Lomake's script and frames (`allow`)."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                body = site.pages.get(self.path)
                self.send_response(200 if body else 404)
                css = self.path.endswith(".css")
                self.send_header("content-type", "text/css" if css else "text/html; charset=utf-8")
                self.send_header("content-security-policy", "default-src 'none'; style-src 'self'; "
                                 f"script-src {site.allow}; frame-src {site.allow}")
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: Any) -> None:
                pass

        self.pages = {"/site.css": SITE_CSS, **pages}
        self.allow = "'none'"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def unverified() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30, context=unverified()) as response:
        return bytes(response.read())


@pytest.fixture(scope="module")
def agency() -> Iterator[HostSite]:
    """The agency's own site, whose origin its file lists in `embed_origins`."""
    site = HostSite({})
    yield site
    site.close()


@pytest.fixture(scope="module")
def lomake(tmp_path_factory: pytest.TempPathFactory, agency: HostSite) -> Iterator[str]:
    """Lomake over HTTPS on localhost, the sample forms with the agency's site's origin in LVV's `embed_origins`."""
    require("openssl", "openssl")
    workdir = tmp_path_factory.mktemp("embedding")
    shutil.copytree(SCHEMAS, workdir / "schemas")
    shutil.copy(ONE_PAGE_SCHEMA, workdir / "schemas" / f"{ONE_PAGE_FORM}.json")
    lvv = workdir / "schemas" / "agencies" / "lvv.json"
    lvv.write_text(json.dumps({**json.loads(lvv.read_text()), "embed_origins": [agency.origin]}))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-keyout", "key.pem", "-out", "cert.pem"],
                   cwd=workdir, check=True, capture_output=True)
    port = free_port()
    base = f"https://localhost:{port}"
    with (workdir / "serve.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-c", SERVE_TLS, str(port), base], cwd=workdir, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        for _ in range(400):
            try:
                get(f"https://127.0.0.1:{port}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, (workdir / "serve.log").read_text()
                time.sleep(0.05)
        agency.allow = base
        # the docs' example, with the complaint as one page: the frame's journey below sends it there
        agency.pages |= {"/": EXAMPLE.read_bytes().replace(b"http://127.0.0.1:8000", base.encode()).replace(
                             b'data-lomake-form="kantelu"', f'data-lomake-form="{ONE_PAGE_FORM}"'.encode()),
                         "/one": host_page(base, ONE_PAGE_FORM),
                         "/espoo": host_page(base, "ymparistolupa"), "/fixed": fixed_frame(base)}
        yield base
    finally:
        process.kill()
        process.wait(timeout=10)


def frame_of(page: Any, index: int = 0) -> Any:
    """The `index`th form's frame (a Playwright Frame) once its page has loaded."""
    element = page.locator("iframe.lomake-frame").nth(index)
    element.wait_for()
    frame = element.element_handle().content_frame()
    frame.wait_for_load_state()
    return frame


def fill(frame: Any, answers: dict[str, list[str]]) -> None:
    """Answer as a person would: type into text fields, pick options, tick boxes."""
    for name, (value,) in answers.items():
        control = frame.locator(f'[name="{name}"]').first
        kind = control.get_attribute("type")
        if kind in ("radio", "checkbox"):
            frame.locator(f'[name="{name}"][value="{value}"]').check()
        elif control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)


def settled(page: Any) -> None:
    """Until the frames' heights stop changing (embed.js sizes them from the frames' messages)."""
    heights = None
    for _ in range(50):
        now = page.locator("iframe.lomake-frame").evaluate_all("els => els.map(e => e.style.height)")
        if now == heights and "40rem" not in now:
            return
        heights = now
        page.wait_for_timeout(100)
    raise AssertionError(f"the frames never took their pages' heights: {heights}")


def no_inner_scrolling(page: Any, frame: Any) -> None:
    height = page.locator("iframe.lomake-frame").first.evaluate("el => el.getBoundingClientRect().height")
    assert frame.evaluate("document.documentElement.scrollHeight") <= height + 1


def test_a_host_page_on_another_site_embeds_the_complaint_which_is_saved_resumed_and_sent_in_the_frame(
        lomake: str, agency: HostSite, browser: Any) -> None:
    require(AXE, "axe-core")
    context = browser.new_context(ignore_https_errors=True, bypass_csp=True)  # bypass: axe goes in as inline code
    page = context.new_page()
    page.goto(f"{agency.origin}/")
    complaint, feedback = frame_of(page, 0), frame_of(page, 1)
    settled(page)
    frames = page.locator("iframe.lomake-frame")
    assert frames.nth(0).get_attribute("title") == "Kantelu – Lupa- ja valvontavirasto"
    assert frames.nth(1).get_attribute("title") == "Saavutettavuuspalaute – Lupa- ja valvontavirasto"
    assert complaint.url == f"{lomake}/embed/forms/yksisivuinen?lang=fi"
    no_inner_scrolling(page, complaint)
    problems = {"empty": axe_violations(complaint)}
    problems["errors"] = failed_send(page, complaint)
    assert feedback.locator(".error-summary").count() == 0  # the other form on the page is untouched
    complaint, problems["saved"] = saved_and_opened_again(page, complaint, f"{agency.origin}/one")
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["lomake_draft"]["sameSite"] == "None" and cookies["lomake_draft"]["secure"]
    assert cookies["lomake_draft"]["path"] == "/embed/forms/yksisivuinen"
    assert cookies["lomake_draft"].get("partitionKey") == "http://127.0.0.1"  # the site of the page on top

    # Sent: the confirmation and its reference number, inside the frame.
    fill(complaint, form_values_of_kantelu())
    complaint.get_by_role("button", name="Lähetä kantelu").click()
    complaint.locator(".reference").wait_for()
    assert re.fullmatch(r"LVV/\d+/20\d\d", complaint.locator(".reference").inner_text())
    assert "/embed/receipts/" in complaint.url
    page.wait_for_function("() => document.querySelector('iframe.lomake-frame').title"
                           ".startsWith('Kantelu on vastaanotettu')")
    settled(page)
    no_inner_scrolling(page, complaint)
    problems["confirmation"] = axe_violations(complaint)
    context.close()
    assert {k: v for k, v in problems.items() if v} == {}


def failed_send(page: Any, complaint: Any) -> list[str]:
    """The complaint sent empty: the frame follows the new page, its top in view, and the error summary has the
    focus; what axe-core finds on it."""
    complaint.get_by_role("button", name="Lähetä kantelu").click()
    complaint.locator(".error-summary").wait_for()
    page.wait_for_function("() => document.querySelector('iframe.lomake-frame').title.startsWith('Virhe: ')")
    assert complaint.evaluate("document.activeElement.className") == "error-summary"
    assert page.evaluate("document.activeElement.className") == "lomake-frame"
    assert -2 <= page.locator("iframe.lomake-frame").first.evaluate("el => el.getBoundingClientRect().top") <= 2
    settled(page)
    no_inner_scrolling(page, complaint)
    return axe_violations(complaint)


def saved_and_opened_again(page: Any, complaint: Any, again: str) -> tuple[Any, list[str]]:
    """Saved half done ("Tallenna ja jatka myöhemmin"), then the host page opened again: the frame finds the draft
    by its cookie. The new frame, and what axe-core finds on the saved page."""
    complaint.locator('[name="/kantelija/etunimet"]').fill("Maija Liisa")
    with complaint.expect_navigation():
        complaint.get_by_role("button", name="Tallenna ja jatka myöhemmin").click()
    assert complaint.locator("h1").inner_text() == "Luonnos on tallennettu"
    found = axe_violations(complaint)
    page.goto(again)
    reopened = frame_of(page)
    assert reopened.locator('[name="/kantelija/etunimet"]').input_value() == "Maija Liisa"
    return reopened, found


def form_values_of_kantelu() -> dict[str, list[str]]:
    """The sample complaint as the page's controls take it."""
    form = load_catalog(SCHEMAS).forms["kantelu"]
    return {n: list(v) for n, v in form_values(form_view(form, "fi").fields, KANTELU).items()}


def test_a_site_not_among_the_agencys_origins_cannot_frame_its_forms(lomake: str, agency: HostSite,
                                                                     browser: Any) -> None:
    other = HostSite({"/": host_page(lomake, ONE_PAGE_FORM)})
    other.allow = lomake
    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    try:
        for url in (f"{other.origin}/", f"{agency.origin}/espoo"):  # another site; another agency's form
            refused.clear()
            page.goto(url)
            page.wait_for_timeout(500)
            assert any("frame-ancestors" in line for line in refused), (url, refused)
            (frame,) = [f for f in page.frames if f != page.main_frame]
            assert not frame.url.startswith(lomake)
            assert page.locator("iframe.lomake-frame").get_attribute("title") == "Lomake"  # never heard from it
    finally:
        context.close()
        other.close()


def test_without_javascript_a_fixed_iframe_works(lomake: str, agency: HostSite, browser: Any) -> None:
    """No script on either side: the host's plain iframe scrolls, the form is sent and answers inside it."""
    context = browser.new_context(ignore_https_errors=True, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{agency.origin}/fixed")
    frame = page.locator("iframe").element_handle().content_frame()
    frame.wait_for_load_state()
    frame.locator('[name="/kantelija/etunimet"]').fill("Maija")
    frame.locator("form button.button[type=submit]:not([name])").click()
    frame.locator(".error-summary").wait_for()
    assert frame.title().startswith("Virhe: ")
    assert frame.locator('[name="/kantelija/etunimet"]').input_value() == "Maija"  # kept in a draft (its cookie)
    assert frame.url.endswith("/embed/forms/yksisivuinen?lang=fi&checked=1")  # Post/Redirect/Get in the frame
    assert "lomake_draft" in {c["name"] for c in context.cookies()}
    context.close()


def test_embedded_pages_pass_the_nu_html_checker(lomake: str, tmp_path: Path) -> None:
    require(VNU, "vnu-jar")
    require("java", "java")
    files = []
    for name, path in (("form", "/embed/forms/yksisivuinen"), ("long", "/embed/forms/oikaisuvaatimus"),
                       ("sv", "/embed/forms/yksisivuinen?lang=sv")):
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(get(lomake + path))
    messages = nu_messages(files)
    assert [f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages] == []


@pytest.mark.parametrize("width", [320, 1280])
def test_the_embedded_form_reflows_and_is_photographed(lomake: str, agency: HostSite, browser: Any,
                                                       width: int) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(ignore_https_errors=True, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{agency.origin}/one")
    frame = frame_of(page)
    settled(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert frame.evaluate("document.documentElement.scrollWidth") <= frame.evaluate("innerWidth")
    # A frame from another site is painted only where it is in view: the window as tall as the page, for the photo.
    page.set_viewport_size({"width": width, "height": page.evaluate("document.documentElement.scrollHeight")})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / f"kantelu-embedded-{width}.png"), full_page=True)
    context.close()
