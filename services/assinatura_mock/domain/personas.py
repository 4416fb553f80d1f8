"""Who may sign (reference assinatura-govbr.md §3.1, §4.3): prata or ouro accounts with a regular CPF.

The API checks both before issuing the certificate and before each signature, answering 403 with the
manual's plain-text messages. Pure: works on the registry's persona document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sandbox_kernel.events.models.assinatura import AuthorizationCheck

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


def account_problem(persona: dict | None, ente: str | None) -> tuple[AuthorizationCheck, str, str] | None:
    """Whether this account may log in for a client of ``ente``, as the gov.br login would judge it:
    a persona of this ente (or of none), not blocked. (check, reason, expected), or None."""
    if persona is None or persona.get("ente") not in (None, ente):
        return (
            AuthorizationCheck.LOGIN_HINT,
            "nenhuma persona com este CPF neste ente",
            "o CPF de uma persona do ente do cliente (ou de todos os entes)",
        )
    if persona.get("bloqueada"):
        return (
            AuthorizationCheck.BLOCKED,
            "conta bloqueada: o login gov.br foi recusado",
            "uma persona não bloqueada",
        )
    return None


def holder_of(persona: dict) -> Holder:
    return Holder(
        nome=persona["nome"],
        cpf=persona["cpf"],
        data_nascimento=dt.date.fromisoformat(persona["data_nascimento"]),
        email=persona.get("email"),
    )
