"""The small calls each emulator makes where it knows the domain: "does a rule of this ente want X here?"

They return the rule (its shot spent, its ``fault.injected`` event emitted) or ``None``; the service then
answers the way the real platform does in that situation.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .catalog import EFFECT_ENDPOINT

AUTHORIZE_ERRORS = {
    "access_denied": "O usuário negou a autorização de uso dos dados.",
    "temporarily_unavailable": "O serviço de autenticação está temporariamente indisponível.",
}


async def take_effect(
    runtime,
    effects: tuple[str, ...],
    *,
    ente: str | None,
    endpoint: str | None = None,
    client_id: str | None = None,
    persona: str | None = None,
    system_id: str | None = None,
    method: str = "",
    path: str = "",
):
    engine = getattr(runtime, "faults", None)
    if engine is None or not engine.has_rules() or ente is None:
        return None
    return await engine.take(
        endpoint=endpoint or EFFECT_ENDPOINT.get(effects[0]),
        method=method,
        path=path,
        ente=ente,
        client_id=client_id,
        system_id=system_id,
        persona=persona,
        effects=effects,
    )


def rule_active(runtime, effect: str) -> bool:
    """Does any ente have a live rule with this effect? (For what is global, like the JWKS of login.)"""
    engine = getattr(runtime, "faults", None)
    if engine is None:
        return False
    now = datetime.now(UTC)
    return any(r.effect == effect and now < r.expires_at for r in engine.rules)


async def authorize_refusal(runtime, client: dict, persona: str | None) -> dict | None:
    """Login /authorize: the error a rule asks for (``access_denied`` / ``temporarily_unavailable``)."""
    rule = await take_effect(
        runtime,
        tuple(AUTHORIZE_ERRORS),
        ente=client.get("ente"),
        endpoint="authorize",
        client_id=client.get("client_id"),
        persona=persona,
        method="GET",
        path="/authorize",
    )
    if rule is None:
        return None
    return {"error": rule.effect, "error_description": AUTHORIZE_ERRORS[rule.effect]}


LATE_ROBOT_DEFAULT_MS = 30_000


async def robot_delay(runtime, ente: str, system_id: str) -> float:
    """Tramita: seconds a robot of the ente waits before acting (a ``late_robot`` rule), else 0."""
    rule = await take_effect(
        runtime, ("late_robot",), ente=ente, system_id=system_id, method="ROBOT", path="robot"
    )
    return (rule.latency_ms or LATE_ROBOT_DEFAULT_MS) / 1000 if rule else 0.0
