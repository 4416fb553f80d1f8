"""HTTP entry point of the tramita_mock service (`govbr-sandbox serve tramita`)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import MetaData

from sandbox_kernel.app import create_service_app
from sandbox_kernel.settings import Settings

metadata = MetaData()  # this service's tables (all prefixed "tramita_")

DESCRIPTION = "Emula o Tramita GOV.BR (ex-Barramento PEN), API REST v3: substitui homolog.api.processoeletronico.gov.br."


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app("tramita", metadata=metadata, settings=settings, description=DESCRIPTION)
