"""HTTP entry point of the login_mock service (`govbr-sandbox serve login`)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import MetaData

from sandbox_kernel.app import create_service_app
from sandbox_kernel.settings import Settings

metadata = MetaData()  # this service's tables (all prefixed "login_")

DESCRIPTION = "Emula o Acesso GOV.BR (Login Único, OpenID Connect): substitui sso.staging.acesso.gov.br e api.staging.acesso.gov.br."


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app("login", metadata=metadata, settings=settings, description=DESCRIPTION)
