"""FastAPI dependencies: settings, the current engine, and a bounded search slot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from service.engine import Engine, EngineHolder
from service.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_holder(request: Request) -> EngineHolder:
    return request.app.state.holder


def get_engine(request: Request) -> Engine:
    return request.app.state.holder.current


async def search_slot(request: Request) -> AsyncIterator[None]:
    """At most ``max_concurrent_searches`` searches run at once; others wait, then get 503.

    Waiting happens on the event loop, not in a worker thread, so queued requests never
    starve the running ones of threads.
    """
    slots: asyncio.Semaphore = request.app.state.slots
    timeout = request.app.state.settings.service.search_timeout_s
    try:
        await asyncio.wait_for(slots.acquire(), timeout)
    except TimeoutError:
        raise HTTPException(
            503, f"the service is busy: no search slot within {timeout:g} s, retry"
        ) from None
    try:
        yield
    finally:
        slots.release()


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
HolderDep = Annotated[EngineHolder, Depends(get_holder)]
SlotDep = Annotated[None, Depends(search_slot)]
