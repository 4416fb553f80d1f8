"""Lab milestones, computed from events: what a trainee has done so far. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from .events import ConsoleEvent


class Milestone(StrEnum):
    login = "login"
    assinatura = "assinatura"
    tramite = "tramite"
    ciencia = "ciencia"


LABELS = {
    Milestone.login: "Entrou pelo gov.br",
    Milestone.assinatura: "Assinou um documento",
    Milestone.tramite: "Trâmite na situação 6",
    Milestone.ciencia: "Recusa tratada com ciência",
}


def milestone_of(event: ConsoleEvent) -> Milestone | None:
    """The milestone this event proves, if any."""
    short = event.short_type
    if short == "login.token.issued":
        return Milestone.login
    if short == "assinatura.signature.created":
        return Milestone.assinatura
    if short == "tramita.tramite.status_changed":
        para = event.data.get("para")
        if para == 6:
            return Milestone.tramite
        if para == 9:
            return Milestone.ciencia
    return None


def grid(entes: Iterable[str], events: Iterable[ConsoleEvent]) -> dict[str, dict[Milestone, bool]]:
    """ente -> milestone -> reached."""
    table = {ente: dict.fromkeys(Milestone, False) for ente in entes}
    for event in events:
        milestone = milestone_of(event)
        if milestone and event.ente in table:
            table[event.ente][milestone] = True
    return table
