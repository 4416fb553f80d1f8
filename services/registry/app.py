"""HTTP entry point of the registry service (`govbr-sandbox serve registry`)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import MetaData

from sandbox_kernel.app import create_service_app
from sandbox_kernel.settings import Settings

metadata = MetaData()  # this service's tables (all prefixed "registry_")

DESCRIPTION = "Plano de controle do sandbox: entes, credenciais, personas, estruturas organizacionais e catálogo de eventos."


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app("registry", metadata=metadata, settings=settings, description=DESCRIPTION)
