"""The registry's error bodies: ``{"erro": ..., "mensagem": ..., "campos": [...]}``, in Portuguese.

Validation errors list every failing field with a message a person can act on (the kernel's one set of
Portuguese messages, ``sandbox_kernel.validation``); nothing is half-created because each request runs in
one transaction.
"""

from __future__ import annotations

from sandbox_kernel.validation import field_errors


class RegistryError(Exception):
    status = 400
    code = "requisicao_invalida"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(RegistryError):
    status, code = 404, "nao_encontrado"


class Conflict(RegistryError):
    status, code = 409, "conflito"


class Unauthorized(RegistryError):
    status, code = 401, "nao_autenticado"


class Forbidden(RegistryError):
    status, code = 403, "proibido"


class Invalid(RegistryError):
    """A rule failed after the body parsed (e.g. a unit id that is not the ente's, or a merged update)."""

    status, code = 422, "dados_invalidos"

    def __init__(self, field: str, message: str) -> None:
        self.fields = [{"campo": field, "mensagem": message}]
        super().__init__(summary(self.fields))

    @classmethod
    def from_validation(cls, exc) -> Invalid:
        fields = field_errors(exc.errors())
        invalid = cls(fields[0]["campo"], fields[0]["mensagem"])
        invalid.fields = fields
        invalid.message = summary(fields)
        return invalid


def summary(fields: list[dict]) -> str:
    return "Dados inválidos — " + "; ".join(f"{f['campo']}: {f['mensagem']}" for f in fields)


__all__ = [
    "Conflict",
    "Forbidden",
    "Invalid",
    "NotFound",
    "RegistryError",
    "Unauthorized",
    "field_errors",
    "summary",
]
