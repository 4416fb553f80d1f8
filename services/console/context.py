"""The console's running parts, shared by its routes (``request.app.state.console``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from sandbox_kernel.app import ServiceRuntime
from sandbox_kernel.storage import Database

from .auth import KeyChecker
from .hub import Hub
from .ingest import Ingest
from .registry import ConsoleRegistry
from .settings import ConsoleSettings

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


@dataclass
class Console:
    runtime: ServiceRuntime
    options: ConsoleSettings
    hub: Hub
    ingest: Ingest
    registry: ConsoleRegistry
    keys: KeyChecker

    @property
    def db(self) -> Database:
        return self.runtime.db


def console_of(request: Request) -> Console:
    return request.app.state.console
