"""Console events: who signed in to an ente's console. Never the key itself, nor a session id."""

from __future__ import annotations

from typing import Literal

from ..catalog import EventData, catalog


@catalog.register(
    "console",
    "session",
    "started",
    "Alguém entrou no console com a chave de API do ente ou o token de admin.",
)
class ConsoleSessionStarted(EventData):
    papel: Literal["ente", "admin"]
    ente: str | None


@catalog.register("console", "signin", "failed", "Uma tentativa de entrar no console com chave inválida.")
class ConsoleSigninFailed(EventData):
    motivo: Literal["chave_invalida", "registry_indisponivel"]
