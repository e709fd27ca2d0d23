"""The `lomake` command: thin commands over the library."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, TypeVar

import click

from core.settings import SETTINGS, Setting, Settings, public_url

if TYPE_CHECKING:
    from core.forms import Form
    from core.view.fields import FormView
    from submission.storage import Storage

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class SettingText(click.ParamType[Any]):
    """A setting's value from its flag or environment variable, read as `core.settings` declares."""

    #: A setting given many times is one variable, its values separated as in PATH.
    envvar_list_splitter = os.pathsep

    def __init__(self, setting: Setting) -> None:
        self.setting, self.name = setting, setting.metavar.lower()

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value  # a default, already of the setting's type
        try:
            return self.setting.read(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def setting_option(setting: Setting) -> Callable[[F], F]:
    """The setting as an option: its flag, else its environment variable, else its default."""
    # A default shown as other text than the value (`http://HOST:PORT`) is a description: click brackets it.
    shown: bool | str = True if setting.shown == str(setting.default) else setting.shown or False
    if isinstance(setting.default, bool):
        return click.option(setting.flag, setting.name, is_flag=True, default=setting.default, envvar=setting.env,
                            show_envvar=True, help=setting.help)
    return click.option(setting.flag, setting.name, type=SettingText(setting), default=setting.default,
                        multiple=setting.many, metavar=setting.metavar, envvar=setting.env, show_envvar=True,
                        show_default=shown, help=setting.help)


def setting_options(command: F) -> F:
    """Every setting as an option, in the table's order."""
    for setting in [*SETTINGS.values()][::-1]:
        command = setting_option(setting)(command)
    return command


#: Every command that reads forms takes --schemas, and every one that reads data --db, as serve does.
SCHEMAS = setting_option(SETTINGS["schemas_dir"])
DB = setting_option(SETTINGS["db_url"])


@click.group()
@click.version_option(package_name="lomake")
def main() -> None:
    """Lomake: schema-driven e-forms for public agencies."""


@main.command()
@setting_options
def serve(**given: Any) -> None:
    """Serve the forms in SCHEMAS over HTTP.

    Each option can also be set by its environment variable: the option wins over the variable, the
    variable over the default (an empty variable counts as not set).
    """
    import uvicorn

    from server import create_app
    from submission.storage import open_storage
    from web.limits import headers_in_time

    settings = with_public_url(Settings(**given))
    try:
        storage = open_storage(settings.db_url)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=f"'--db' (env var: '{SETTINGS['db_url'].env}')") from exc
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if settings.host in ("0.0.0.0", "::") and not given["public_url"]:
        logging.getLogger("lomake").warning("links will name %s: give --public-url", settings.public_url)
    app = create_app(settings, storage)
    # No access log: receipt URLs are capabilities and must not end up in logs. Slow clients are
    # cut off: headers within header_timeout, the body within body_timeout, idle connections after 5 s.
    uvicorn.run(app, host=settings.host, port=settings.port, access_log=False, log_level="info",
                http=headers_in_time(settings.header_timeout), timeout_keep_alive=5)


def with_public_url(settings: Settings) -> Settings:
    """`settings` with the public URL filled in, if none was given, from the address the server is bound to."""
    if settings.public_url:
        return settings
    host, port = settings.host, settings.port
    try:
        return replace(settings, public_url=public_url(f"http://[{host}]:{port}" if ":" in host
                                                       else f"http://{host}:{port}"))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--host'") from exc


def with_storage(db_url: str, work: Callable[[Storage], Awaitable[T]]) -> T:
    """`work` done on the storage `db_url` names, which is then closed."""
    from submission.storage import open_storage

    async def run() -> T:
        storage = open_storage(db_url)
        try:
            return await work(storage)
        finally:
            await storage.close()

    return asyncio.run(run())


@main.command()
@DB
def purge(db_url: str) -> None:
    """Delete expired drafts and uploaded files that nothing claims (servers also do it every hour)."""
    drafts, files = with_storage(db_url, lambda storage: storage.purge())
    click.echo(f"purged {drafts} drafts and {files} files")


@main.command()
@click.option("--form", "form_id", required=True, metavar="ID", help="The form whose submissions to export.")
@click.option("--format", "kind", type=click.Choice(["ndjson", "csv"]), default="ndjson", show_default=True,
              help="ndjson: one JSON object a line, as the read API gives a submission; csv: one row a submission, "
                   "one column per answer, for spreadsheets (UTF-8 with BOM).")
@click.option("--since", default=None, metavar="TIME",
              help="Only submissions received at or after TIME: 2026-01-31T12:00:00Z, or a day, 2026-01-31 "
                   "(Finnish time).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Write to FILE (whole, or not at all) instead of standard output.")
@SCHEMAS
@DB
@click.option("--public-url", "public", default="http://127.0.0.1:8000", show_default=True, metavar="URL",
              help="What the links in the export (attachments, receipts) start with: the server's, as for serve.")
@click.option("--titles", is_flag=True,
              help="csv: head the columns with the questions' titles (a group's or page's title in front where two "
                   "are alike) instead of their JSON pointers, for people; machines read the pointers.")
@click.option("--lang", type=click.Choice(["fi", "sv", "en"]), default=None,
              help="The language of --titles: one of the form's; its first by default.")
def export(form_id: str, kind: str, since: str | None, out: Path | None, schemas_dir: Path, db_url: str,
           public: str, titles: bool, lang: str | None) -> None:
    """Export a form's submissions, page by page in constant memory; a progress bar on a terminal."""
    from submission.versions import FormVersions
    from web.exports import export_chunks
    from web.read_api import parse_since

    try:
        start = parse_since(since) if since else None
    except ValueError as exc:
        raise click.BadParameter("give an ISO 8601 time (2026-01-31T12:00:00Z) or a day (2026-01-31)",
                                 param_hint="--since") from exc
    try:
        base = public_url(public)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--public-url") from exc
    if titles and kind != "csv":
        raise click.BadParameter("the titles are a CSV's header: give --format csv", param_hint="--titles")
    form, view = _exported(schemas_dir, form_id, lang)

    async def work(storage: Storage) -> None:
        total = await storage.count_submissions(form.id, start) * (2 if kind == "csv" else 1)
        with _progress(total) as bar, _output(out) as stream:
            chunks = export_chunks(FormVersions(storage), form, view, "csv" if kind == "csv" else "ndjson", base,
                                   start, bar.update, titles=titles)
            async for chunk in chunks:
                stream.write(chunk)

    with_storage(db_url, work)


def _exported(schemas_dir: Path, form_id: str, lang: str | None) -> tuple[Form, FormView]:
    """The form to export and its view in `lang` (one of its languages; its first by default)."""
    from core.catalog import load_catalog
    from core.view.build import form_view

    form = load_catalog(schemas_dir).forms.get(form_id)
    if form is None:
        raise click.ClickException(f"no form {form_id!r} in {schemas_dir}")
    if lang is not None and lang not in form.languages:
        raise click.BadParameter(f"{form.id} is in {', '.join(form.languages)}", param_hint="--lang")
    return form, form_view(form, lang or form.languages[0])


class _Bar(Protocol):
    def update(self, n_steps: int, /) -> None: ...


class _NoBar:
    def update(self, n_steps: int, /) -> None:
        """Nothing to show: standard error is not a terminal."""


@contextmanager
def _progress(total: int) -> Iterator[_Bar]:
    """A progress bar of `total` steps on standard error, if it is a terminal."""
    if not sys.stderr.isatty():
        yield _NoBar()
        return
    with click.progressbar(length=total, file=sys.stderr, label="export") as bar:
        yield bar


@contextmanager
def _output(path: Path | None) -> Iterator[BinaryIO]:
    """Standard output, or a file written next to `path` and renamed to it once whole."""
    if path is None:
        yield sys.stdout.buffer
        return
    part = path.with_name(path.name + ".part")
    try:
        with part.open("wb") as stream:
            yield stream
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)


@main.group()
def apikey() -> None:
    """Agencies' API keys: making a prefilled draft needs one (Authorization: Bearer <key>)."""


@apikey.command("create")
@click.option("--agency", required=True, help="The agency (schemas/agencies/<id>.json) whose forms the key is for.")
@click.option("--name", default="", help="What the key is for, e.g. the system that uses it.")
@DB
@SCHEMAS
def apikey_create(agency: str, name: str, db_url: str, schemas_dir: Path) -> None:
    """Make a key for the agency and print it as the last line: it is shown only this once (only a hash is kept)."""
    from core.catalog import load_agencies

    agencies, _ = load_agencies(schemas_dir)
    if agency not in agencies:
        raise click.BadParameter(f"no agency {agency!r} in {schemas_dir / 'agencies'}; there are: "
                                 + ", ".join(sorted(agencies)), param_hint="--agency")
    record, secret = with_storage(db_url, lambda storage: storage.add_api_key(agency, name))
    click.echo(f"key {record.id} for {agency} made; keep it safe, it is not shown again:")
    click.echo(secret)


@apikey.command("list")
@DB
def apikey_list(db_url: str) -> None:
    """List the keys, one a line: id, agency, made, revoked (or -), name."""
    keys = with_storage(db_url, lambda storage: storage.api_keys())
    for key in keys:
        revoked = key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else "-"
        click.echo(f"{key.id}\t{key.agency}\t{key.created_at.isoformat(timespec='seconds')}\t{revoked}\t{key.name}")


@apikey.command("revoke")
@click.argument("key_id", metavar="ID")
@DB
def apikey_revoke(key_id: str, db_url: str) -> None:
    """Revoke the key ID at once; requests with it then answer 401."""
    revoked = with_storage(db_url, lambda storage: storage.revoke_api_key(key_id))
    if not revoked:
        raise click.ClickException(f"no live key {key_id!r}")
    click.echo(f"key {key_id} revoked")


@main.group()
def db() -> None:
    """The database's schema: versioned migrations, applied in order, each once."""


@db.command("upgrade")
@DB
def db_upgrade(db_url: str) -> None:
    """Apply the migrations the database lacks (safe to run from several machines at once)."""
    applied = with_storage(db_url, lambda storage: storage.upgrade())
    click.echo("applied " + ", ".join(applied) if applied else "the database is up to date")


@db.command("status")
@DB
def db_status(db_url: str) -> None:
    """List the migrations, one a line: version, name, when applied (or "pending"); exit 1 if any is pending."""
    states = with_storage(db_url, lambda storage: storage.migrations())
    for state in states:
        when = state.applied_at.isoformat(timespec="seconds") if state.applied_at else "pending"
        click.echo(f"{state.version:04d}\t{state.name}\t{when}")
    if any(state.applied_at is None for state in states):
        sys.exit(1)


@main.command()
@click.argument("form_id", metavar="FORM")
@SCHEMAS
@DB
def versions(form_id: str, schemas_dir: Path, db_url: str) -> None:
    """List a form's versions, newest first, one a line: hash (short), label, first seen, submissions, and
    "current" for the version the form file in --schemas is now. A version is kept when a server first loads it."""
    from core.catalog import load_catalog

    current = load_catalog(schemas_dir).forms.get(form_id)
    kept = with_storage(db_url, lambda storage: storage.form_versions(form_id))
    if not kept and current is None:
        raise click.ClickException(f"no form {form_id!r} in {schemas_dir} and no versions of it in the database")
    if current is not None and current.hash not in {v.hash for v in kept}:
        click.echo(f"{current.hash[:12]}\t{current.version}\tnot yet kept (no server has loaded it)\t0\tcurrent")
    for version in kept:
        mark = "\tcurrent" if current is not None and version.hash == current.hash else ""
        seen = version.first_seen_at.isoformat(timespec="seconds")
        click.echo(f"{version.hash[:12]}\t{version.label}\t{seen}\t{version.submissions}{mark}")


@main.command()
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop (for cron or a systemd timer).")
@SCHEMAS
@DB
@setting_option(SETTINGS["public_url"])
@setting_option(SETTINGS["delivery_retry_days"])
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              metavar="SECONDS", help="Seconds an attempt may take to connect, and between bytes of the answer.")
@click.option("--lease", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              metavar="SECONDS", help="Seconds a claimed delivery is this worker's alone (longer than --timeout); "
                                      "one a worker died with is tried again after it.")
@click.option("--first-pause", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
              metavar="SECONDS", help="The first retry comes within this many seconds, each later one within twice "
                                      "the last (at most an hour).")
def worker(once: bool, schemas_dir: Path, db_url: str, public_url: str | None, delivery_retry_days: int,
           timeout: float, lease: float, first_pause: float) -> None:
    """Deliver submissions to the agencies' webhooks (docs/delivery.md): claim what is due from the outbox,
    POST each one signed, retry with growing pauses, give up after --delivery-retry-days. Any number of workers
    may run at once on one database. Agencies' files are read when it starts: restart it after changing one."""
    import datetime as dt

    from core.catalog import load_agencies
    from lomake.worker import Worker

    if lease <= timeout:
        raise click.BadParameter("give a lease longer than --timeout", param_hint="--lease")
    agencies, problems = load_agencies(schemas_dir)
    for problem in problems:
        click.echo(str(problem), err=True)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    base = with_public_url(Settings(public_url=public_url)).public_url or ""

    async def work(storage: Storage) -> None:
        deliverer = Worker(storage, agencies, base, delivery_retry_days, timeout, dt.timedelta(seconds=lease),
                           first_pause)
        await (deliverer.drain() if once else deliverer.run())

    with_storage(db_url, work)


@main.group()
def delivery() -> None:
    """Deliveries to the agencies' webhooks (the outbox): list them, send a given-up one again."""


@delivery.command("list")
@click.option("--failed", is_flag=True, help="Only those given up (the dead letters).")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True, help="At most this many.")
@DB
def delivery_list(failed: bool, limit: int, db_url: str) -> None:
    """List deliveries, oldest first, one a line: id, submission id, agency, status, attempts, next attempt, last
    error (or -)."""
    found = with_storage(db_url, lambda storage: storage.deliveries("failed" if failed else None, limit))
    for d in found:
        next_attempt = d.next_attempt_at.isoformat(timespec="seconds") if d.status == "pending" else "-"
        click.echo(f"{d.id}\t{d.submission_id}\t{d.agency}\t{d.status}\t{d.attempts}\t{next_attempt}\t"
                   f"{d.last_error or '-'}")


@delivery.command("retry")
@click.argument("delivery_id", metavar="ID")
@DB
def delivery_retry(delivery_id: str, db_url: str) -> None:
    """Make the given-up delivery ID pending again, due now; a running worker sends it."""
    if not with_storage(db_url, lambda storage: storage.retry_delivery(delivery_id)):
        raise click.ClickException(f"no failed delivery {delivery_id!r}")
    click.echo(f"delivery {delivery_id} is pending again")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Check form files (or folders of them); print `file:line:column: /pointer: message` per problem.

    Follows `$ref`s into shared parts (common/): a problem there names the part. Exits 1 if there is any
    error; warnings (constructs not supported yet) do not fail.
    """
    from lomake.check import check_paths

    problems = check_paths(list(paths))
    for problem in problems:
        click.echo(str(problem))
    sys.exit(1 if any(not p.warning for p in problems) else 0)


@main.group()
def i18n() -> None:
    """Gettext catalogs, through Babel, of the forms' own texts and of the interface's."""


@i18n.command("extract")
@SCHEMAS
@click.option("--lang", "languages", multiple=True, type=click.Choice(["fi", "sv", "en"]),
              help="Also start a catalog for this language (forms' other languages always get one).")
def i18n_extract(schemas_dir: Path, languages: tuple[str, ...]) -> None:
    """Collect every text of the forms and shared parts into locale/forms.pot and update each locale/<lang>.po."""
    from core.catalog import form_files
    from core.crawl import read_json
    from core.forms import META_KEY
    from core.i18n import extract

    documents = {}
    wanted = set(languages) | {p.stem for p in (schemas_dir / "locale").glob("*.po")}
    for path in [*form_files(schemas_dir), *sorted((schemas_dir / "common").rglob("*.json"))]:
        document, problems = read_json(path, str(path))
        for problem in problems:
            click.echo(str(problem), err=True)
        if isinstance(document, dict):
            documents[path.relative_to(schemas_dir).as_posix()] = document
            wanted |= set((document.get(META_KEY) or {}).get("languages", ["fi"])[1:])
    for written in extract(documents, schemas_dir, wanted):
        click.echo(str(written))


@i18n.command("interface")
@click.option("--locale", "locale_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the catalogs.  [default: core/locale in the package]")
def i18n_interface(locale_dir: Path | None) -> None:
    """Write the interface texts of core/messages.py into locale/messages.pot and update each locale/<lang>.po.

    Prints, per language, how many entries have no translation or only a fuzzy one (those are shown in Finnish).
    """
    from core import messages
    from core.i18n import INTERFACE_LOCALE, interface_notes, update_interface

    locale_dir = locale_dir or INTERFACE_LOCALE
    notes = interface_notes(Path(messages.__file__).read_text(encoding="utf-8"))
    languages = {*messages.LANGUAGES[1:], *(p.stem for p in locale_dir.glob("*.po"))}
    click.echo(str(locale_dir / "messages.pot"))
    for progress in update_interface(messages._MESSAGES, locale_dir, languages, notes):
        line = f"{progress.path}: {len(progress.untranslated)} untranslated, {len(progress.fuzzy)} fuzzy"
        todo = [*progress.untranslated, *progress.fuzzy]
        if todo:
            line += ": " + ", ".join(todo[:10]) + (", ..." if len(todo) > 10 else "")
        click.echo(line)


@main.command("import-rjsf")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the form files into.")
@click.option("--lang", default="en", show_default=True, type=click.Choice(["fi", "sv", "en"]),
              help="The language the samples' texts are written in.")
def import_rjsf_command(files: tuple[Path, ...], out_dir: Path, lang: str) -> None:
    """Turn react-jsonschema-form samples ({"schema", "uiSchema", ...}) into Lomake form files."""
    import json

    from lomake.rjsf import import_rjsf

    out_dir.mkdir(parents=True, exist_ok=True)
    for file in files:
        form, notes = import_rjsf(json.loads(file.read_text(encoding="utf-8")), file.stem, lang)
        target = out_dir / f"{file.stem}.json"
        target.write_text(json.dumps(form, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        for note in notes:
            click.echo(f"{file}: {note}", err=True)
        click.echo(str(target))


@main.command()
@click.argument("form_id")
@SCHEMAS
@click.option("--lang", default=None, help="fi, sv or en; the form's first language by default.")
def render(form_id: str, schemas_dir: Path, lang: str | None) -> None:
    """Print FORM_ID's empty HTML page, without a server."""
    from core.catalog import load_catalog
    from core.view.build import form_view
    from renderer.html import Pages

    catalog = load_catalog(schemas_dir)
    form = catalog.forms.get(form_id)
    if form is None:
        for problem in catalog.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"no form {form_id!r} in {schemas_dir}")
    lang = lang if lang in form.languages else form.languages[0]
    html = Pages().form_page(form_view(form, lang), action=f"/forms/{form.id}?lang={lang}",
                             service_name=form.agency.display_name(lang), languages=form.languages)
    click.echo(html)


@main.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Folder to write inventory.csv and inventory.html into (made if missing).")
@click.option("--ptv", is_flag=True, help="Also write ptv.json: each form as an e-service channel for the national "
                                           "service catalogue (PTV); needs --public-url.")
@SCHEMAS
@DB
@click.option("--public-url", "public_url", type=SettingText(SETTINGS["public_url"]), default=None, metavar="URL",
              envvar=SETTINGS["public_url"].env, show_envvar=True,
              help="The address people reach the service at, as for serve: ptv.json's form addresses start with it.")
@click.option("--lang", default="fi", show_default=True, type=click.Choice(["fi", "sv", "en"]),
              help="The language of the HTML page and of the CSV's title and category_name (its column names "
                   "stay the same).")
def inventory(out_dir: Path, ptv: bool, schemas_dir: Path, db_url: str, public_url: str | None, lang: str) -> None:
    """Write the form inventory: one row per form (owner, version, languages, what it asks, records metadata,
    accessibility and use), as CSV for spreadsheets (UTF-8 with BOM) and as one self-contained HTML page with
    charts, in the agency's language. Use is counted in the database."""
    import datetime as dt

    from core.catalog import load_catalog
    from lomake.inventory import write_inventory

    if ptv and not public_url:
        raise click.BadParameter("ptv.json names each form's address: give the service's public URL",
                                 param_hint=f"'--public-url' (env var: '{SETTINGS['public_url'].env}')")
    catalog = load_catalog(schemas_dir)
    for problem in catalog.problems:
        click.echo(f"skipped: {problem}", err=True)
    now = dt.datetime.now(dt.UTC)
    usage = with_storage(db_url, lambda storage: storage.usage(now))
    audits = with_storage(db_url, lambda storage: storage.latest_audits())
    for path in write_inventory(catalog, usage, out_dir, now, public_url if ptv else None, audits, lang):
        click.echo(str(path))


@main.command()
@click.argument("form_ids", nargs=-1, metavar="[FORM]...")
@SCHEMAS
@DB
@setting_option(SETTINGS["template_dirs"])
def audit(form_ids: tuple[str, ...], schemas_dir: Path, db_url: str, template_dirs: tuple[Path, ...]) -> None:
    """Check every page and state of each FORM (all forms when none is named) for accessibility, with axe-core
    and the Nu Html Checker in Chromium, in each of the form's languages, and store the result with the form's
    version in the database (for `lomake inventory` and the accessibility statements). The forms are served
    from a throwaway database: nothing is submitted into --db. The review and the confirmation are reached with
    each form's sample answers (its examples, else its defaults, else made up; files a small PDF or PNG).

    Exit status: 0 when every state was reached and no problem found; 1 when a problem was found or a state
    not reached (the results are stored and printed all the same), so that CI can use it as a gate."""
    from core.catalog import load_catalog
    from lomake.audit import audit_form, audit_server, chromium, missing_tools, tool_versions

    if missing := missing_tools():
        raise click.ClickException(f"missing: {', '.join(missing)}: run ./dev install")
    catalog = load_catalog(schemas_dir)
    unknown = [form_id for form_id in form_ids if form_id not in catalog.forms]
    if unknown:
        raise click.BadParameter(f"no form {', '.join(unknown)} in {schemas_dir}", param_hint="FORM")
    forms = [catalog.forms[form_id] for form_id in form_ids or sorted(catalog.forms)]
    agencies = sorted({form.agency.id for form in forms})
    with audit_server(schemas_dir, template_dirs, agencies) as (base, keys, folder), chromium() as browser:
        tools = tool_versions(browser)
        audits = [audit_form(browser, base, form, keys, folder) for form in forms]

    async def store(storage: Storage) -> None:  # after the browser: Playwright holds an event loop
        for found in audits:
            await storage.add_audit(found.form.id, found.form.hash, tools, found.pages, found.problems)

    with_storage(db_url, store)
    for found in audits:
        click.echo(f"{found.form.id}: {found.pages} pages checked, problems found: {len(found.problems)}")
        for problem in found.problems:
            click.echo(f"  {problem.tool} {problem.rule} ({problem.impact or '-'}) {problem.page} "
                       f"{problem.selector}: {problem.message}")
        for state in found.unreached:
            click.echo(f"  not reached: {state}")
    if any(found.problems or found.unreached for found in audits):
        raise SystemExit(1)
