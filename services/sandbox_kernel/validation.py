"""Validation errors said in Portuguese, one wording for every service and file loader.

pydantic reports errors in English with a ``type``; people who read ours are Brazilian public servants,
so each type gets one Portuguese sentence here. Our own validators already raise Portuguese
``ValueError`` messages, which pass through unchanged. A validator of a whole object may name the field
to fix by starting its message with ``"campo: "`` (e.g. ``"ibge: a União usa o código 0000000"``).

Wire formats that mimic a real platform's own wording (Tramita's ``"não pode ser nulo"``) keep theirs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# Parts of a FastAPI error location that say where the value came from, not which field it is.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie"})
_NAMED = re.compile(r"^([a-z_][\w.\[\]]*): (.+)$", re.DOTALL)

_DATE = "data inválida; use AAAA-MM-DD"
_DATETIME = "data e hora inválidas; use AAAA-MM-DDThh:mm:ss-03:00"

MESSAGES: dict[str, str] = {
    "missing": "campo obrigatório",
    "extra_forbidden": "campo desconhecido",
    "string_type": "deve ser um texto",
    "int_type": "deve ser um número inteiro",
    "int_parsing": "deve ser um número inteiro",
    "int_from_float": "deve ser um número inteiro",
    "float_type": "deve ser um número",
    "float_parsing": "deve ser um número",
    "bool_type": "deve ser true ou false",
    "bool_parsing": "deve ser true ou false",
    "list_type": "deve ser uma lista",
    "dict_type": "deve ser um objeto",
    "model_type": "deve ser um objeto",
    "model_attributes_type": "deve ser um objeto",
    "string_pattern_mismatch": "formato inválido",
    "json_invalid": "JSON inválido",
    "json_type": "JSON inválido",
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": "deve ser uma data sem horário (AAAA-MM-DD)",
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "timezone_aware": "informe o fuso horário, ex.: 2025-07-02T14:17:16-03:00",
    "url_parsing": "URL inválida",
    "url_scheme": "esquema de URL não permitido",
}

# Types whose sentence needs a number from the error's context.
_BOUNDS: dict[str, tuple[str, str]] = {
    "string_too_short": ("min_length", "deve ter ao menos {} caractere(s)"),
    "string_too_long": ("max_length", "deve ter no máximo {} caracteres"),
    "too_short": ("min_length", "deve ter ao menos {} item(ns)"),
    "too_long": ("max_length", "deve ter no máximo {} item(ns)"),
    "greater_than": ("gt", "deve ser maior que {}"),
    "greater_than_equal": ("ge", "deve ser maior ou igual a {}"),
    "less_than": ("lt", "deve ser menor que {}"),
    "less_than_equal": ("le", "deve ser menor ou igual a {}"),
}


def message_of(error: Mapping[str, Any]) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) as a Portuguese sentence."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error.get("msg", "valor inválido")))
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace(" or ", " ou ")
        return f"valor {error.get('input')!r} não permitido; use {expected}"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "a lista não pode ser vazia"
    if kind in _BOUNDS:
        key, sentence = _BOUNDS[kind]
        return sentence.format(ctx.get(key, "?"))
    return MESSAGES.get(kind, "valor inválido")


def field_path(loc: Iterable[str | int]) -> str | None:
    """``("body", "selos", 0, "id")`` → ``"selos[0].id"`` (None for the whole document)."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not path and part in _SOURCES:
            continue
        else:
            path += f".{part}" if path else str(part)
    return path or None


def field_errors(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Every error as ``{"campo", "mensagem"}``; a ``"campo: mensagem"`` validator message names its field."""
    fields = []
    for error in errors:
        path, message = field_path(error.get("loc", ())), message_of(error)
        if error.get("type") == "value_error" and (named := _NAMED.match(message)):
            path = f"{path}.{named.group(1)}" if path else named.group(1)
            message = named.group(2)
        fields.append({"campo": path or "corpo", "mensagem": message})
    return fields
