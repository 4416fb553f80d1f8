"""HTTP entry point of the assinatura_mock service (`govbr-sandbox serve assinatura`)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import MetaData

from sandbox_kernel.app import create_service_app
from sandbox_kernel.settings import Settings

metadata = MetaData()  # this service's tables (all prefixed "assinatura_")

DESCRIPTION = "Emula a Assinatura GOV.BR do ITI: substitui cas.staging.iti.br (/oauth2.0/*) e assinatura-api.staging.iti.br (/externo/v2/*)."


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app("assinatura", metadata=metadata, settings=settings, description=DESCRIPTION)
