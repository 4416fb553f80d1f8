"""Unknown paths, methods and unparseable bodies answered in each platform's own error format, not FastAPI's ``{"detail": ...}``.

A client that parses the real platform's error body (Tramita's ``codigoErro``, the roteiro's
``erro_description``, ITI's Spring Boot error) must be able to parse ours too, even for a typo in a path.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

# Tramita: a code in the sandbox's 09xx range (the real code for an unknown resource is not public).
TRAMITA_UNKNOWN_RESOURCE = "0990"


class ErrorFormat(StrEnum):
    REGISTRY = "registry"  # {"erro", "mensagem"}: the sandbox's own control plane
    ACESSO = "acesso"  # roteiro §6: {"error", "erro_description"} (+ the OAuth spelling)
    ITI = "iti"  # Spring Boot's default error body (reference assinatura §3.1, the 401 at /oauth2.0/token)
    TRAMITA = "tramita"  # {"codigoErro", "mensagem"} (reference tramita §2.15)


def _message(request: Request, status: int) -> str:
    if status == 405:
        return f"O método {request.method} não é aceito em {request.url.path}."
    if status == 404:
        return f"Recurso não encontrado: {request.method} {request.url.path}."
    if status == 400:  # FastAPI could not parse the body at all (bad JSON, bad multipart)
        return "Não foi possível interpretar o corpo da requisição: confira o Content-Type e o conteúdo."
    return HTTPStatus(status).phrase


def _registry(request: Request, status: int) -> dict:
    code = {405: "metodo_nao_permitido", 404: "nao_encontrado"}.get(status, "requisicao_invalida")
    return {"erro": code, "mensagem": _message(request, status)}


def _acesso(request: Request, status: int) -> dict:
    code = {405: "method_not_allowed", 404: "not_found"}.get(status, "invalid_request")
    text = _message(request, status)
    return {"error": code, "error_description": text, "erro_description": text}


def _iti(request: Request, status: int) -> dict:
    return {
        "timestamp": int(time.time() * 1000),
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": "No message available",
        "path": request.url.path,
    }


def _tramita(request: Request, status: int) -> dict:
    return {"codigoErro": TRAMITA_UNKNOWN_RESOURCE, "mensagem": _message(request, status)}


BODIES: dict[ErrorFormat, Callable[[Request, int], dict]] = {
    ErrorFormat.REGISTRY: _registry,
    ErrorFormat.ACESSO: _acesso,
    ErrorFormat.ITI: _iti,
    ErrorFormat.TRAMITA: _tramita,
}


def unknown_path_body(fmt: ErrorFormat, request: Request, status: int) -> dict:
    return BODIES[fmt](request, status)


FRAMEWORK_STATUSES = (400, 404, 405)


def install_unknown_path_errors(app: FastAPI, fmt: ErrorFormat) -> None:
    """What the framework answers by itself (no route: 404; wrong method: 405; unparseable body: 400) gets
    the platform's body. Services raise their own error types, never HTTPException."""

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code not in FRAMEWORK_STATUSES:
            return await http_exception_handler(request, exc)
        return JSONResponse(
            unknown_path_body(fmt, request, exc.status_code),
            status_code=exc.status_code,
            headers=exc.headers,
        )
