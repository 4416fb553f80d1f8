"""The registry's error bodies: ``{"erro": ..., "mensagem": ..., "campos": [...]}``, in Portuguese.

Validation errors list every failing field with a message a person can act on; nothing is half-created
because each request runs in one transaction.
"""

from __future__ import annotations

import re

# pydantic's built-in error types, said in Portuguese; our own validators already speak it.
_MESSAGES = {
    "missing": "campo obrigatório",
    "string_type": "deve ser um texto",
    "int_type": "deve ser um número inteiro",
    "int_parsing": "deve ser um número inteiro",
    "bool_type": "deve ser true ou false",
    "bool_parsing": "deve ser true ou false",
    "list_type": "deve ser uma lista",
    "dict_type": "deve ser um objeto JSON",
    "model_type": "deve ser um objeto JSON",
    "extra_forbidden": "campo não reconhecido",
    "literal_error": "valor não permitido",
    "enum": "valor não permitido",
    "string_too_short": "texto curto demais",
    "string_too_long": "texto longo demais",
    "string_pattern_mismatch": "formato inválido",
    "greater_than_equal": "valor pequeno demais",
    "less_than_equal": "valor grande demais",
    "json_invalid": "JSON inválido",
    "date_from_datetime_parsing": "data inválida (use AAAA-MM-DD)",
    "date_parsing": "data inválida (use AAAA-MM-DD)",
}


_NAMED = re.compile(r"^([a-z_][\w.\[\]]*): (.+)$", re.DOTALL)


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


def field_errors(errors) -> list[dict]:
    fields = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        message = error.get("msg", "")
        if error.get("type") == "value_error":
            message = str(error.get("ctx", {}).get("error", message))
            # a whole-object rule names its field as "campo: mensagem"
            named = _NAMED.match(message)
            if named:
                loc, message = [*loc, named.group(1)], named.group(2)
        else:
            message = _MESSAGES.get(error.get("type", ""), message)
        fields.append({"campo": ".".join(loc) or "corpo", "mensagem": message})
    return fields
