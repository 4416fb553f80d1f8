"""Who may see an event (scope) and which events a reader asked for (filter). Pure and closed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from enum import StrEnum

from .events import ConsoleEvent

SERVICES = ("registry", "login", "assinatura", "tramita", "console")
_SAFE = re.compile(r"^[\w.\-/:@ ]{1,200}$")


class FilterError(StrEnum):
    """Closed set of filter problems, each with its Portuguese message."""

    servico = "servico deve ser um de: " + ", ".join(SERVICES)
    tipo = "tipo deve ser um prefixo de tipo de evento (letras, dígitos, '.', '_')"
    historia = "historia deve ser a chave de partição de uma história (até 200 caracteres)"
    cpf = "cpf deve ter 11 dígitos"
    texto = "texto deve ter de 1 a 200 caracteres"


class InvalidFilter(ValueError):
    def __init__(self, error: FilterError) -> None:
        super().__init__(error.value)
        self.error = error


@dataclass(frozen=True)
class Scope:
    """An ente key sees that ente's topics only; the admin token sees every topic."""

    admin: bool
    ente: str | None = None

    def allows(self, event: ConsoleEvent) -> bool:
        return self.admin or (event.ente is not None and event.ente == self.ente)


@dataclass(frozen=True)
class EventFilter:
    servico: str | None = None
    tipo: str | None = None
    historia: str | None = None
    cpf: str | None = None
    texto: str | None = None

    @classmethod
    def parse(cls, **raw: str | None) -> EventFilter:
        values = {k: (v.strip() if isinstance(v, str) and v.strip() else None) for k, v in raw.items()}
        servico, tipo, historia, cpf, texto = (values.get(f.name) for f in fields(cls))
        if servico and servico not in SERVICES:
            raise InvalidFilter(FilterError.servico)
        if tipo and not re.fullmatch(r"[\w.]{1,200}", tipo):
            raise InvalidFilter(FilterError.tipo)
        if historia and not _SAFE.match(historia):
            raise InvalidFilter(FilterError.historia)
        if cpf:
            cpf = "".join(c for c in cpf if c.isdigit())
            if len(cpf) != 11:
                raise InvalidFilter(FilterError.cpf)
        if texto and len(texto) > 200:
            raise InvalidFilter(FilterError.texto)
        return cls(servico, tipo, historia, cpf, texto)

    @property
    def full_type_prefix(self) -> str | None:
        """``tipo`` may be given short (``login.token``) or whole (``br.gov.sandbox.login.token``)."""
        if not self.tipo:
            return None
        return self.tipo if self.tipo.startswith("br.") else "br.gov.sandbox." + self.tipo

    def matches(self, event: ConsoleEvent) -> bool:
        if self.servico and event.service != self.servico:
            return False
        prefix = self.full_type_prefix
        if prefix and not (event.type.startswith(prefix) or event.type.startswith(self.tipo or "")):
            return False
        if self.historia and event.key != self.historia:
            return False
        if self.cpf and event.cpf != self.cpf:
            return False
        if self.texto:
            blob = json.dumps(event.cloudevent, ensure_ascii=False).lower()
            if self.texto.lower() not in blob:
                return False
        return True

    def as_query(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}
