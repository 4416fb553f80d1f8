"""What each emulator knows of the bad days: the clocks and fault rules the registry holds, kept fresh.

The engine polls the registry's ``GET /sandbox/registry/overrides`` every ``POLL_SECONDS`` (a rule or a
clock change is seen by every service within that time), sets the app clock's offsets, and answers
"does a rule hit this request?" without I/O — only a counted rule costs one call to the registry, to spend
its shot atomically. Every fault it hands out is published as ``<service>.fault.injected`` naming the rule.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

import httpx

from ..clock import clock
from ..events.models.faults import FaultInjected
from ..registry_client import RegistryClient
from ..secrets import admin_token
from .rules import FaultRule

log = logging.getLogger("govbr_sandbox.faults")

POLL_SECONDS = 1.0


class FaultEngine:
    def __init__(self, runtime, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.runtime = runtime
        self.service = runtime.service.name
        token, _ = admin_token(runtime.settings)
        self._http = httpx.AsyncClient(
            base_url=f"{runtime.settings.registry_base_url}/sandbox/registry",
            headers={"Authorization": f"Bearer {token}"},
            timeout=5.0,
            transport=transport,
        )
        self.registry = RegistryClient(runtime.settings, transport=transport)
        self.resolver = None  # optional: async (scope, headers, FaultContext) -> None, set by a service
        self.clock = clock.current()  # made in the app's lifespan: the app's own copy of the offsets
        self.rules: list[FaultRule] = []
        self._refreshing = asyncio.Lock()
        self._task: asyncio.Task | None = None

    # ---------------------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        await self.refresh()
        self._task = asyncio.create_task(self._loop(), name=f"{self.service}-overrides")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self._http.aclose()
        await self.registry.aclose()
        self.clock.set_offsets({})

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            await self.refresh()

    async def refresh(self) -> bool:
        """Fetch clocks and rules now; False (and the last known state kept) when the registry is away.

        One at a time: a poll that left before a change must not land after the refresh asked for because of
        it, putting the old state back."""
        async with self._refreshing:
            try:
                response = await self._http.get("/overrides")
                response.raise_for_status()
                body = response.json()
            except Exception as exc:  # the registry restarting is normal; keep serving what we knew
                log.debug("overrides not refreshed: %s", exc)
                return False
            self.clock.set_offsets(body.get("clocks") or {})
            self.rules = [
                FaultRule.model_validate(r) for r in body.get("faults") or [] if r["service"] == self.service
            ]
            return True

    # ------------------------------------------------------------------------------------ queries

    def has_rules(self) -> bool:
        return bool(self.rules)

    def candidates(self, endpoint: str | None, effects: tuple[str, ...] | None = None) -> list[FaultRule]:
        """Rules that could hit a request for this endpoint, before knowing who is calling."""
        now = datetime.now(UTC)
        return [
            r
            for r in self.rules
            if now < r.expires_at
            and (r.endpoint is None or r.endpoint == endpoint)
            and (effects is None or r.effect in effects)
        ]

    async def take(
        self,
        *,
        endpoint: str | None,
        method: str = "",
        path: str = "",
        ente: str | None,
        client_id: str | None = None,
        system_id: str | None = None,
        persona: str | None = None,
        effects: tuple[str, ...] | None = None,
    ) -> FaultRule | None:
        """The rule that hits this request, if any (its shot spent and its event emitted)."""
        if not self.rules or ente is None:
            return None
        now = datetime.now(UTC)
        for rule in self.rules:
            if not rule.applies(
                now,
                service=self.service,
                endpoint=endpoint,
                ente=ente,
                client_id=client_id,
                system_id=system_id,
                persona=persona,
                effects=effects,
            ):
                continue
            if not rule.roll():
                continue
            if rule.count is not None and not await self._spend(rule):
                continue
            await self.emit(rule, endpoint, method, path, client_id, system_id, persona)
            return rule
        return None

    async def _spend(self, rule: FaultRule) -> bool:
        try:
            response = await self._http.post(f"/faults/{rule.id}/fire")
        except httpx.HTTPError:
            return False
        if response.status_code != 200:
            self.rules = [r for r in self.rules if r.id != rule.id]  # gone or exhausted
            return False
        remaining = response.json().get("remaining")
        rule.remaining = remaining
        if remaining == 0:
            self.rules = [r for r in self.rules if r.id != rule.id]
        return True

    async def emit(self, rule, endpoint, method, path, client_id, system_id, persona) -> None:
        async with self.runtime.transaction() as tx:
            tx.emit(
                FaultInjected(
                    rule_id=rule.id,
                    ente=rule.ente,
                    effect=rule.effect,
                    endpoint=endpoint,
                    method=method,
                    path=path,
                    status=rule.status,
                    latency_ms=rule.latency_ms,
                    client_id=client_id,
                    system_id=system_id,
                    persona=persona,
                    description=rule.description,
                ),
                key=f"fault/{rule.id}",
                subject=f"fault/{rule.id}",
                ente=rule.ente,
            )


def engine_of(app) -> FaultEngine | None:
    return getattr(app.state, "faults", None)
