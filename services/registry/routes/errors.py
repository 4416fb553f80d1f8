"""The registry's error bodies over HTTP: ``{"erro": ..., "mensagem": ..., "campos": [...]}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from ..domain.errors import Invalid, RegistryError, field_errors, summary


def install(app: FastAPI) -> None:
    @app.exception_handler(RegistryError)
    async def _registry_error(_: Request, exc: RegistryError) -> JSONResponse:
        body: dict = {"erro": exc.code, "mensagem": exc.message}
        if isinstance(exc, Invalid):
            body["campos"] = exc.fields
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(body, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = field_errors(exc.errors())
        return JSONResponse(
            {"erro": "dados_invalidos", "mensagem": summary(fields), "campos": fields}, status_code=422
        )

    @app.exception_handler(ValidationError)
    async def _model_error(_: Request, exc: ValidationError) -> JSONResponse:
        # A model built from the caller's data after the body parsed (a merged update, a generated
        # persona, a lab's clients): still the caller's data, so 422 with the fields, never a 500.
        invalid = Invalid.from_validation(exc)
        return JSONResponse(
            {"erro": invalid.code, "mensagem": invalid.message, "campos": invalid.fields}, status_code=422
        )

    @app.exception_handler(IntegrityError)
    async def _conflict(_: Request, exc: IntegrityError) -> JSONResponse:
        # Two requests raced to create the same thing; the loser gets what a duplicate gets.
        return JSONResponse({"erro": "conflito", "mensagem": "O registro já existe."}, status_code=409)
