"""Who may sign (reference assinatura-govbr.md §3.1, §4.3): prata or ouro accounts with a regular CPF.

The API checks both before issuing the certificate and before each signature, answering 403 with the
manual's plain-text messages. Pure: works on the registry's persona document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .certificates import Holder
from .oauth import BRONZE_MESSAGE, CPF_MESSAGE


@dataclass(frozen=True)
class Ineligible:
    check: str  # "nivel" or "situacao_cpf"
    message: str  # the manual's exact text
    expected: str


def signing_problem(persona: dict) -> Ineligible | None:
    if persona.get("nivel") not in ("prata", "ouro"):
        return Ineligible("nivel", BRONZE_MESSAGE, "conta gov.br nível prata ou ouro")
    if persona.get("situacao_cpf", "regular") != "regular":
        return Ineligible("situacao_cpf", CPF_MESSAGE, "CPF em situação regular na Receita Federal")
    return None


def holder_of(persona: dict) -> Holder:
    return Holder(
        nome=persona["nome"],
        cpf=persona["cpf"],
        data_nascimento=dt.date.fromisoformat(persona["data_nascimento"]),
        email=persona.get("email"),
    )
