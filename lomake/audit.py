"""Accessibility audits in a real browser: axe-core in Debian's Chromium (driven by Playwright) and the Nu Html
Checker (vnu.jar, run by java), the machinery `./dev install` sets up. The browser tests use it as it is here;
`lomake audit` walks every page and state of a form with it, on a server of its own over a throwaway database.

The states of a form, in each of its languages: its start page (if any), each page empty and with errors (sent
empty), the saved page, and, with the form's sample answers (submission/samples.py: its `examples`, else its
`default`s, else made up; each file a small real PDF or PNG), the review page and the confirmation.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.forms import Form
from core.view.build import form_view
from core.view.fields import Field
from submission.samples import answer_files, sample, sample_file
from submission.storage import AuditProblem, open_storage
from submission.validate import CompiledForms

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: The axe-core rules run: WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: What axe.run gives, cut to what an audit keeps: rule, impact, its plain words, where.
_AXE_RUN = ("async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
            ".map(v => ({id: v.id, impact: v.impact || '', help: v.help, "
            "targets: v.nodes.map(n => n.target.join(' '))}))")
#: A page's button that sends it (not one that adds, removes or saves).
SEND = "form button.button[type=submit]:not([name]):visible"
SAVE = "form button[name=_action][value=save]"


def missing_tools() -> list[str]:
    """The parts of the machinery missing here, each with what it is."""
    tools = {"chromium": CHROMIUM.exists(), "axe-core": AXE.exists(), "vnu-jar": VNU.exists(),
             "java": bool(shutil.which("java"))}
    return [name for name, found in tools.items() if not found]


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of the WCAG A and AA rules on the page: `id`, `impact`, `help`, `targets`. The
    page's context needs `bypass_csp=True`: axe is injected as a script."""
    page.add_script_tag(path=str(AXE))
    return list(page.evaluate(_AXE_RUN, WCAG_TAGS))


def axe_problems(page: Any, where: str) -> list[AuditProblem]:
    return [AuditProblem(tool="axe-core", rule=v["id"], impact=v["impact"], message=v["help"], page=where,
                         selector=", ".join(v["targets"][:3])) for v in axe_violations(page)]


def nu_messages(files: Sequence[Path]) -> list[dict[str, Any]]:
    """The Nu Html Checker's errors in the HTML files, as its JSON gives them (`url`, `message`, `lastLine`...)."""
    if not files:
        return []
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                            capture_output=True, text=True, timeout=600)
    return list(json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"])


def nu_problems(pages: Mapping[str, str], folder: Path) -> list[AuditProblem]:
    """The Nu Html Checker's errors in each page's HTML (by where it was seen), its files written in `folder`."""
    files = {folder / f"{i:03d}.html": where for i, where in enumerate(pages)}
    for path, where in files.items():
        path.write_text(pages[where], encoding="utf-8")
    return [AuditProblem(tool="nu", rule=m.get("type", "error"), impact=m.get("subType", ""), message=m["message"],
                         page=files[Path(m["url"].removeprefix("file:"))],
                         selector=f"{m.get('lastLine', '')}:{m.get('firstColumn', m.get('lastColumn', ''))}")
            for m in nu_messages(list(files))]


def tool_versions(browser: Any) -> str:
    """The tools an audit ran, with their versions."""
    def version(package: str) -> str:
        return str(json.loads((ROOT / "node_modules" / package / "package.json").read_text())["version"])

    return f"axe-core {version('axe-core')}; vnu {version('vnu-jar')}; Chromium {browser.version}"


@dataclass
class Visit:
    """One browser tab over a form in one language: at each state, axe-core's findings and the HTML for Nu."""

    page: Any
    lang: str
    problems: list[AuditProblem] = field(default_factory=list)
    html: dict[str, str] = field(default_factory=dict)

    def look(self, state: str) -> None:
        where = f"{self.lang}: {state}"
        self.page.wait_for_load_state()
        self.html[where] = self.page.content()
        self.problems += axe_problems(self.page, where)

    def send(self, state: str) -> bool:
        """Press the page's send button and look at what follows; False if the page has none."""
        button = self.page.locator(SEND)
        if not button.count():
            return False
        button.first.click()
        self.look(state)
        return True


@dataclass(frozen=True)
class FormAudit:
    """What an audit of a form found: in how many states, and which problems; the states it could not reach."""

    form: Form
    pages: int
    problems: tuple[AuditProblem, ...]
    unreached: tuple[str, ...]


def sample_answers(form: Form) -> tuple[dict[str, Any] | None, str]:
    """The form's sample answers (submission/samples.py), each file a data URL of a small real file the question
    takes, as the JSON API takes files; or None and why there are none."""
    view = form_view(form, form.languages[0])
    found = sample(CompiledForms(), form, view)
    if found.problems:
        first = found.problems[0]
        return None, f"the form refuses its sample answers ({found.source}): {first.pointer}: {first.message}"
    untaken: list[str] = []

    def file_answer(f: Field, n: int) -> str:
        made = sample_file(f)
        untaken.extend([] if made else [f.pointer])
        return data_url(made)

    answers = answer_files(view, found.answers, file_answer)
    if untaken:
        return None, f"the file question {untaken[0]} takes neither a small PDF nor a PNG"
    return answers, ""


def data_url(file: tuple[str, str, bytes] | None) -> str:
    """A file as the JSON API takes it: `data:<type>;name=<name>;base64,...` ("" for none)."""
    if file is None:
        return ""
    name, media, content = file
    return f"data:{media};name={urllib.parse.quote(name)};base64,{base64.b64encode(content).decode()}"


def walk_pages(visit: Visit, base: str, form: Form) -> None:
    """The start page, each page empty and sent empty, and the saved page."""
    page, lang = visit.page, visit.lang
    if form.meta.start is not None:
        page.goto(f"{base}/forms/{form.id}?lang={lang}")
        visit.look("start page")
    for number, meta in enumerate(form.meta.pages, 1):
        named = "form" if form.meta.one_page else f"page {number}"
        url = f"{base}/forms/{form.id}" + ("" if form.meta.one_page else f"/pages/{meta.id}") + f"?lang={lang}"
        page.goto(url)
        if page.url != url:  # asked only after some answers: left out
            continue
        visit.look(f"{named} empty")
        visit.send(f"{named} with errors")
    page.goto(f"{base}/forms/{form.id}" + ("" if form.meta.one_page else f"/pages/{form.meta.pages[0].id}")
              + f"?lang={lang}")
    if page.locator(SAVE).count():
        page.locator(SAVE).first.click()
        visit.look("saved")


def walk_answered(visit: Visit, base: str, form: Form, answers: dict[str, Any], key: str) -> list[str]:
    """The review page and the confirmation, reached with the sample answers; the states not reached, and why."""
    page, lang = visit.page, visit.lang
    if form.meta.one_page and not form.meta.review:
        created, refused = post(f"{base}/api/v1/forms/{form.id}/submissions?lang={lang}", answers)
        if created is None:
            return [f"confirmation (the API refused the sample answers: {refused})"]
        page.goto(created["receipt_url"].removesuffix(".pdf"))
        visit.look("confirmation")
        return []
    asked_last = {name: answers[name] for name in form.meta.review if name in answers}
    made, refused = post(f"{base}/api/v1/forms/{form.id}/drafts?lang={lang}",
                         {k: v for k, v in answers.items() if k not in asked_last}, key)
    if made is None:
        return [f"review and confirmation (the drafts API refused the sample answers: {refused})"]
    page.goto(made["resume_url"])
    for _ in range(len(form.meta.pages) + 2):
        if "/review" in page.url or not page.locator(SEND).count():
            break
        page.locator(SEND).first.click()
        page.wait_for_load_state()
    if "/review" not in page.url:
        return [f"review and confirmation (a page refused the sample answers: {errors(page)})"]
    visit.look("review")
    fill(page, asked_last)
    page.locator(SEND).first.click()
    page.wait_for_load_state()
    if "/receipts/" not in page.url:
        return [f"confirmation (the review page refused the sample answers: {errors(page)})"]
    visit.look("confirmation")
    return []


def errors(page: Any) -> str:
    """The page's error summary, in a line: its address and the messages listed."""
    listed = page.locator(".error-summary__list li").all_inner_texts()
    return f"{page.url}: {'; '.join(' '.join(t.split()) for t in listed) or 'no error shown'}"


def fill(page: Any, answers: Mapping[str, Any]) -> None:
    """Answer the page's top-level questions as the sample answers say: a box ticked, an option chosen, a text."""
    for name, value in answers.items():
        if isinstance(value, bool):
            page.locator(f"[name='/{name}']").first.set_checked(value)
        elif page.locator(f"input[type=radio][name='/{name}']").count():
            page.locator(f"input[type=radio][name='/{name}'][value='{value}']").check()
        else:
            page.locator(f"[name='/{name}']").first.fill(str(value))


def audit_form(browser: Any, base: str, form: Form, keys: Mapping[str, str], folder: Path) -> FormAudit:
    """Every state of the form in each of its languages, checked by axe-core and the Nu Html Checker."""
    problems: list[AuditProblem] = []
    html: dict[str, str] = {}
    unreached: list[str] = []
    answers, none = sample_answers(form)
    for lang in form.languages:
        context = browser.new_context(bypass_csp=True, locale=lang)
        visit = Visit(context.new_page(), lang)
        walk_pages(visit, base, form)
        if answers is None:
            unreached += [f"{lang}: review and confirmation ({none})"]
        else:
            unreached += [f"{lang}: {state}" for state in walk_answered(visit, base, form, answers,
                                                                        keys[form.agency.id])]
        context.close()
        problems += visit.problems
        html |= visit.html
    problems += nu_problems(html, folder)
    return FormAudit(form, len(html), tuple(problems), tuple(unreached))


def post_json(url: str, body: Any, key: str = "") -> dict[str, Any] | None:
    """POST `body` as JSON (with the API key, if given); the JSON answer, or None for an HTTP error."""
    return post(url, body, key)[0]


def post(url: str, body: Any, key: str = "") -> tuple[dict[str, Any] | None, str]:
    """POST `body` as JSON (with the API key, if given): the JSON answer, or None and the error's first problem."""
    headers = {"content-type": "application/json"} | ({"authorization": f"Bearer {key}"} if key else {})
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read()), ""
    except urllib.error.HTTPError as error:
        with error:
            found = json.loads(error.read() or b"{}").get("errors") or [{}]
        return None, f"{error.code} {found[0].get('pointer', '')}: {found[0].get('message', '')}"


def api_keys(db_url: str, agencies: Sequence[str]) -> dict[str, str]:
    """A key for each agency, made in the database at `db_url` (opened, so made, then closed)."""
    async def make() -> dict[str, str]:
        storage = open_storage(db_url)
        try:
            return {agency: (await storage.add_api_key(agency, "lomake audit"))[1] for agency in agencies}
        finally:
            await storage.close()

    return asyncio.run(make())


@contextmanager
def audit_server(schemas_dir: Path, template_dirs: Sequence[Path], agencies: Sequence[str]) -> Iterator[
        tuple[str, dict[str, str], Path]]:
    """A real `lomake serve` over the forms, on a throwaway SQLite database in a temporary folder: its base URL,
    an API key per agency, and the folder (for the Nu checker's files). Nothing it stores outlives it."""
    with tempfile.TemporaryDirectory(prefix="lomake-audit-") as temporary:
        folder = Path(temporary)
        db_url = f"sqlite:///{folder}/audit.sqlite3"
        keys = api_keys(db_url, agencies)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        args = ["serve", "--port", str(port), "--schemas", str(schemas_dir), "--db", db_url,
                *(a for d in template_dirs for a in ("--templates", str(d)))]
        with (folder / "serve.log").open("w") as log:
            server = subprocess.Popen([sys.executable, "-c", "from lomake.cli import main; main()", *args],
                                      stdout=log, stderr=subprocess.STDOUT, env=_own_environment())
        try:
            yield _started(server, f"http://127.0.0.1:{port}", folder), keys, folder
        finally:
            server.kill()
            server.wait(timeout=10)


def _own_environment() -> dict[str, str]:
    """The environment without the deployment's settings (`LOMAKE_*`): the audit's server must not name the
    public address in its links nor deliver to agencies' webhooks; only its flags set it up."""
    return {k: v for k, v in os.environ.items() if not k.startswith("LOMAKE_")} | {"PYTHONUNBUFFERED": "1"}


def _started(server: subprocess.Popen[bytes], base: str, folder: Path) -> str:
    for _ in range(600):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5).close()
            return base
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None:
                break
            time.sleep(0.05)
    raise RuntimeError("the audit's server did not start:\n" + (folder / "serve.log").read_text()[-2000:])
