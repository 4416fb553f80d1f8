"""Judging an ente's event stream against the rules: pure functions over CloudEvent dicts.

A rule with no activity is "not evaluated", never a pass. Evidence is the events that decided the verdict
(id, time, story and the fields that explain it); it never holds a secret because events never do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from .model import (
    Evidence,
    Finding,
    Match,
    Outcome,
    PlatformState,
    Report,
    Rule,
    Sequence,
    Severity,
    Summary,
    VerdictKind,
)

MAX_EVIDENCE = 5
# Fields worth showing as evidence: what was refused and why, and which trâmite/client it was.
EXPLAINING = (
    "check",
    "verificacao",
    "reason",
    "motivo",
    "expected",
    "esperado",
    "reference",
    "warning",
    "warnings",
    "client_id",
    "client_auth",
    "legacy_omissions",
    "IDT",
    "NRE",
    "de",
    "para",
    "codigoErro",
    "mensagem",
    "operacao",
    "sistema",
    "ator",
    "endpoint",
    "status",
    "redirect_uri",
    "post_logout_redirect_uri",
    "api",
    "path",
)


def _check(data: dict) -> Any:
    return data.get("check", data.get("verificacao"))  # assinatura's older field name


def matches(event: dict, match: Match, own_systems: frozenset[str] | None = None) -> bool:
    """``own_systems``: the ente's own Tramita systems (robots excluded); None when unknown (no filter)."""
    kind = event.get("type", "")
    if not (kind.startswith(match.tipo) if match.tipo.endswith(".") else kind == match.tipo):
        return False
    data = event.get("data") or {}
    if match.check is not None and _check(data) not in match.check:
        return False
    if match.campo is not None:
        value = data.get(match.campo)
        if match.igual is not None and value not in match.igual:
            return False
        if match.contem is not None and not (isinstance(value, list | str) and match.contem in value):
            return False
    if match.do_ente and own_systems is not None:
        return (data.get("sistema") or data.get("ator")) in own_systems
    return True


def _active(event: dict, prefixes: list[str]) -> bool:
    kind = event.get("type", "")
    return any(kind.startswith(p) if p.endswith(".") else kind == p for p in prefixes)


def evidence(event: dict) -> Evidence:
    data = event.get("data") or {}
    return Evidence(
        id=event.get("id", ""),
        time=str(event.get("time", "")),
        type=event.get("type", ""),
        historia=event.get("partitionkey"),
        detalhe={k: data[k] for k in EXPLAINING if data.get(k) not in (None, "", [])},
    )


def _sequences(events: list[dict], sequence: Sequence, own: frozenset[str] | None) -> list[dict]:
    """Events matching ``depois`` that come after a ``primeiro`` in the same story."""
    opened: set[str] = set()
    hits = []
    for event in events:
        story = event.get("partitionkey") or ""
        if story in opened and matches(event, sequence.depois, own):
            hits.append(event)
        if matches(event, sequence.primeiro, own):
            opened.add(story)
    return hits


def judge_rule(rule: Rule, events: list[dict], own_systems: frozenset[str] | None = None) -> Finding:
    def finding(outcome: Outcome, why: str, decisive: Iterable[dict] = ()) -> Finding:
        return Finding.of(rule, outcome, why, [evidence(e) for e in list(decisive)[:MAX_EVIDENCE]])

    if rule.ativo:
        return finding(
            Outcome.NAO_AVALIADA,
            "Julgada pelo ensaio ativo: govbr-sandbox readiness login --client <id> --start-url <url>.",
        )
    if rule.avalia is None:
        kind = (
            "só a homologação real" if rule.veredito is VerdictKind.REQUER_PLATAFORMA_REAL else "uma pessoa"
        )
        return finding(Outcome.AUTOAVALIACAO, f"Não se vê nos eventos: quem decide é {kind}. {rule.como}")
    how = rule.avalia
    activity = [e for e in events if _active(e, how.atividade)]
    if not activity:
        return finding(Outcome.NAO_AVALIADA, "Nenhuma atividade que esta regra possa julgar ainda.")
    failures = [e for e in events if any(matches(e, m, own_systems) for m in how.falha_quando)]
    for sequence in how.falha_quando_sequencia:
        failures += _sequences(events, sequence, own_systems)
    if failures:
        failures.sort(key=lambda e: str(e.get("time", "")))
        return finding(Outcome.FALHA, f"{len(failures)} ocorrência(s): {rule.como}", failures)
    if how.passa_quando:
        proofs = [e for e in events if any(matches(e, m, own_systems) for m in how.passa_quando)]
        if not proofs:
            missing = Outcome.FALHA if rule.veredito is VerdictKind.AUTOMATICA else Outcome.AUTOAVALIACAO
            return finding(missing, f"Ainda não aconteceu: {rule.como}", activity[-MAX_EVIDENCE:])
        return finding(_pass(rule), f"Cumprida ({len(proofs)} evidência(s)).", proofs)
    return finding(_pass(rule), f"Nenhuma violação em {len(activity)} evento(s) julgados.", activity[:1])


def _pass(rule: Rule) -> Outcome:
    return Outcome.AUTOAVALIACAO if rule.veredito is VerdictKind.AUTOAVALIACAO else Outcome.PASSA


def build_report(
    ente: str,
    rules: list[Rule],
    events: list[dict],
    extra: Iterable[Finding] = (),
    own_systems: frozenset[str] | None = None,
) -> Report:
    """Judge every rule; ``extra`` adds findings judged elsewhere (the active login run)."""
    ordered = sorted(events, key=lambda e: str(e.get("time", "")))
    findings = [judge_rule(rule, ordered, own_systems) for rule in rules]
    by_rule = {f.regra: i for i, f in enumerate(findings)}
    for f in extra:  # an active finding replaces the passive "cannot tell" of the same rule
        if f.regra in by_rule:
            findings[by_rule[f.regra]] = f
        else:
            findings.append(f)
    summary = Summary()
    for f in findings:
        setattr(summary, f.resultado.value, getattr(summary, f.resultado.value) + 1)
        if (
            f.resultado is Outcome.FALHA
            and f.severidade is Severity.BLOQUEIA
            and f.veredito is VerdictKind.AUTOMATICA
        ):
            summary.bloqueios.append(f.regra)
    platforms = _platforms(findings)
    used = [state for state in platforms.values() if state is not PlatformState.SEM_ATIVIDADE]
    return Report(
        ente=ente,
        gerado_em=datetime.now(UTC),
        eventos_lidos=len(events),
        pronto_para_homologacao=bool(used) and all(s is PlatformState.PRONTA for s in used),
        plataformas=platforms,
        resumo=summary,
        achados=findings,
    )


def _platforms(findings: list[Finding]) -> dict[str, PlatformState]:
    states: dict[str, PlatformState] = {}
    for f in findings:
        state = states.setdefault(f.plataforma, PlatformState.SEM_ATIVIDADE)
        if f.resultado is Outcome.FALHA and f.severidade is Severity.BLOQUEIA:
            states[f.plataforma] = PlatformState.NAO_PRONTA
        elif f.resultado is Outcome.PASSA and state is PlatformState.SEM_ATIVIDADE:
            states[f.plataforma] = PlatformState.PRONTA
    return states
