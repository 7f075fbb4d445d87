"""Application factory."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from indexer.backends import BackendUnavailableError
from service.engine import Engine, EngineHolder, load_engine
from service.page_assets import STATIC_PACKAGE
from service.routes import (
    admin,
    document_view,
    documents,
    export,
    glossary,
    health,
    page,
    search,
    tasks,
    tasks_view,
)
from service.security import SecurityMiddleware
from service.settings import Settings, get_settings
from service.validation import InvalidInput


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app around a loaded engine (loading the index now if none is given)."""
    settings = settings or get_settings()
    engine = engine or load_engine(settings)
    app = FastAPI(
        title="Traite de personnes — recherche / Human trafficking reports search",
        version="0.1.0",
        description="Bilingual search and cited answers over Canadian human trafficking reports.",
    )
    app.state.settings = settings
    app.state.holder = EngineHolder(settings, engine)
    app.state.slots = asyncio.Semaphore(settings.service.max_concurrent_searches)
    # /tasks/view before /tasks/{task_id}, /search.csv beside /search
    routers = (health, export, search, documents, tasks_view, tasks, glossary, admin)
    for module in (*routers, page, document_view):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(packages=[STATIC_PACKAGE]), name="static")
    app.add_exception_handler(InvalidInput, _invalid_input)
    app.add_exception_handler(BackendUnavailableError, _engine_unavailable)
    app.add_exception_handler(RequestValidationError, _validation_error)
    if settings.service.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.service.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )
    app.add_middleware(SecurityMiddleware, max_body_bytes=settings.service.max_body_bytes)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict:
    """FastAPI's schema, with 422 bodies described as they are sent: ``{"detail": str}``."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schema.get("components", {}).get("schemas", {})["HTTPValidationError"] = {
            "title": "HTTPValidationError",
            "type": "object",
            "properties": {"detail": {"title": "Detail", "type": "string"}},
            "required": ["detail"],
        }
        app.openapi_schema = schema
    return app.openapi_schema


async def _invalid_input(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=422)


async def _engine_unavailable(_: Request, exc: Exception) -> JSONResponse:
    """The remote search engine did not answer in time: 503, the client may retry."""
    return JSONResponse({"detail": f"search engine unavailable: {exc}"}, status_code=503)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    """One readable line per problem, e.g. ``body: request body is not valid JSON``."""
    problems = []
    for error in exc.errors():  # type: ignore[attr-defined]
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        message = error.get("msg", "invalid")
        if error.get("type") == "json_invalid":
            message = "request body is not valid JSON"
        problems.append(f"{where}: {message}")
    return JSONResponse({"detail": "; ".join(problems)}, status_code=422)
