"""The Starlette app: HTML forms, receipts and the JSON API over one catalog and one storage."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from core.catalog import load_catalog
from core.errors import LomakeError
from core.forms import Catalog
from core.positions import located
from core.settings import Settings
from lomake.worker import Worker
from renderer.html import Pages
from submission.storage import DraftGone, Storage, StorageError, open_storage
from web import api, drafts, exports, openapi, pages, preview, read_api
from web.embed import Embedding
from web.errors import Failsafe, broken_form, draft_gone, http_error, lomake_error
from web.limits import BodyTimeout
from web.reload import BrokenForm, Reloading
from web.security import CrossOriginProtection, SecurityHeaders
from web.state import Lomake

log = logging.getLogger("lomake")


def create_app(settings: Settings, storage: Storage | None = None) -> Starlette:
    """The Lomake app for `settings`; a broken form file is logged and the others are served."""
    catalog = load_catalog(settings.schemas_dir)
    for problem in located(catalog.problems):
        (log.warning if problem.warning else log.error)("%s", problem)
    state = Lomake(settings, catalog, storage or open_storage(settings.db_url), Pages(settings.template_dirs))
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        LomakeError: lomake_error, HTTPException: http_error, DraftGone: draft_gone, BrokenForm: broken_form,
    }
    app = Starlette(routes=routes(), exception_handlers=handlers, lifespan=lifespan(state))
    app.state.lomake = state
    app.router.redirect_slashes = False  # its redirect would name the request's Host: links use public_url only
    app.add_middleware(CrossOriginProtection, public_url=settings.public_url)
    app.add_middleware(BodyTimeout, seconds=settings.body_timeout)
    app.add_middleware(Failsafe)  # inside SecurityHeaders: even an unexpected error gets the headers
    app.add_middleware(SecurityHeaders, public_url=settings.public_url)
    app.add_middleware(Embedding, catalog=lambda: state.catalog)  # outside SecurityHeaders, which reads its mark
    if settings.reload:  # outermost: every request sees the forms as saved
        app.add_middleware(Reloading, schemas_dir=settings.schemas_dir, loaded=reloaded(state), load=load_catalog)
    return app


def reloaded(state: Lomake) -> Callable[[Catalog], Awaitable[None]]:
    """What a reload does with the forms loaded again: logs their problems, serves them and keeps their versions."""
    async def serve(catalog: Catalog) -> None:
        log.info("the forms changed: reloaded %d", len(catalog.forms))
        for problem in located(catalog.problems):
            (log.warning if problem.warning else log.error)("%s", problem)
        state.reload(catalog)
        await state.submissions.versions.remember_all(catalog.forms.values())

    return serve


def routes() -> list[BaseRoute]:
    """Every page, form, receipt and API endpoint, and the static files."""
    return [
        Route("/", pages.index),
        Route("/accessibility", pages.accessibility),
        Route("/accessibility/{agency}", pages.accessibility_statement),
        Route("/forms/{form_id}", pages.show_form, methods=["GET"]),
        Route("/forms/{form_id}", pages.submit_form, methods=["POST"]),
        Route("/forms/{form_id}/pages/{page}", drafts.show_page, methods=["GET"]),
        Route("/forms/{form_id}/pages/{page}", drafts.submit_page, methods=["POST"]),
        Route("/forms/{form_id}/review", drafts.show_review, methods=["GET"]),
        Route("/forms/{form_id}/review", drafts.submit_review, methods=["POST"]),
        Route("/forms/{form_id}/saved", drafts.saved),
        Route("/forms/{form_id}/tasks", drafts.show_tasks, methods=["GET"]),
        Route("/forms/{form_id}/extend", drafts.extend_draft, methods=["POST"]),
        Route("/forms/{form_id}/preview", preview.preview),  # `--reload` only: 404 otherwise
        Route("/forms/{form_id}/preview/receipt.pdf", preview.preview_pdf),
        Route("/drafts/{token}", drafts.resume_link, name="resume_link"),
        Route("/resume", drafts.resume, methods=["GET", "POST"], name="resume"),
        Route("/receipts/{token}.pdf", pages.receipt_pdf_file, name="receipt_pdf"),
        Route("/receipts/{token}", pages.confirmation),
        Route("/api/v1/forms", api.api_forms),
        Route("/api/v1/forms/{form_id}", api.api_form),
        Route("/api/v1/forms/{form_id}/submissions", api.api_submit, methods=["POST"]),
        Route("/api/v1/forms/{form_id}/drafts", api.api_draft, methods=["POST"]),
        # The agency's read API and exports (its key; its own submissions only)
        Route("/api/v1/submissions", read_api.list_submissions),
        Route("/api/v1/submissions/{submission_id}", read_api.get_submission),
        Route("/api/v1/submissions/{submission_id}/attachments/{attachment_id}", read_api.get_attachment),
        Route("/api/v1/forms/{form_id}/submissions.ndjson", exports.export_ndjson),
        Route("/api/v1/forms/{form_id}/submissions.csv", exports.export_csv),
        Route("/healthz", api.healthz),
        Route("/openapi.json", openapi.openapi_json),
        Route("/themes/{agency}.css", pages.theme),
        Mount("/static", StaticFiles(packages=[("renderer", "static")]), name="static"),
    ]


async def current_database(state: Lomake) -> None:
    """Apply the database's pending migrations if the settings say so; refuse to start on an outdated one."""
    if state.settings.upgrade_db:
        for name in await state.storage.upgrade():
            log.info("database migration %s applied", name)
    lacking = [f"{m.version:04d}_{m.name}" for m in await state.storage.migrations() if m.applied_at is None]
    if lacking:
        raise StorageError(f"the database lacks the migrations {', '.join(lacking)}: run `lomake db upgrade` with "
                           "its --db, or start with --upgrade-db")


def lifespan(state: Lomake) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """Checks the database at start (upgrading it if asked); purges now and then while the app runs, and delivers
    to the agencies' webhooks if `deliver_in_serve`; closes the receipts' pool and the storage when it stops."""

    async def purge_now_and_then() -> None:
        while True:
            await state.storage.purge()
            await asyncio.sleep(state.settings.purge_every)

    @asynccontextmanager
    async def running(app: Starlette) -> AsyncIterator[None]:
        try:
            await current_database(state)
            await state.submissions.versions.remember_all(state.catalog.forms.values())
        except BaseException:
            state.receipts.close()
            await state.storage.close()  # a pool left open would keep the process from exiting
            raise
        tasks = [asyncio.create_task(purge_now_and_then())]
        if state.settings.deliver_in_serve:
            worker = Worker(state.storage, state.catalog.agencies, state.settings.public_url or "",
                            state.settings.delivery_retry_days)
            tasks.append(asyncio.create_task(worker.run()))
        yield
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)  # a delivery cut short comes due after its lease
        state.receipts.close()
        await state.storage.close()

    return running
