"""The one clock of the sandbox: real UTC time plus a per-ente offset (the virtual clock).

All domain code reads time through ``clock.now(ente)`` so that ``govbr-sandbox clock advance --ente X --by 8d``
moves that ente's time only: codes and tokens expire, ``exp``/``iat`` follow, certificates age and idle
trâmites reach situação 10, while every other ente keeps the real time.

The offsets live in the registry (so every service sees the same ones); each service keeps a copy that its
fault engine refreshes (``faults/engine.py``). Reading the clock is synchronous and never does I/O.

Each app owns its copy: ``clock`` reads the one bound to the running app (its lifespan and, through
``ClockMiddleware``, each request), so several apps in one process (tests) never overwrite each other's offsets.
"""

from __future__ import annotations

import re
import time
from contextvars import ContextVar, Token
from datetime import UTC, datetime, timedelta

_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([wdhms])")
_ISO = re.compile(
    r"^P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


class DurationError(ValueError):
    pass


def parse_duration(text: str | int | float) -> float:
    """Seconds in ``8d``, ``1d12h``, ``90m``, ``45s``, ``-2h``, ``3600`` or ISO 8601 ``P8DT2H``."""
    if isinstance(text, (int, float)):
        return float(text)
    raw = text.strip().lower()
    sign = -1.0 if raw.startswith("-") else 1.0
    raw = raw.lstrip("+-")
    try:
        return sign * float(raw)
    except ValueError:
        pass
    iso = _ISO.match(raw.upper())
    if iso and raw != "p":
        parts = iso.groupdict()
        return sign * sum(float(parts[u] or 0) * s for u, s in _UNITS.items())
    matches = list(_DURATION.finditer(raw))
    if not matches or "".join(m.group(0) for m in matches) != raw:
        raise DurationError(
            f"duração inválida: {text!r} (exemplos: 8d, 1d12h, 90m, 45s, P8DT2H; unidades w, d, h, m, s)"
        )
    return sign * sum(float(m.group(1)) * _UNITS[m.group(2)] for m in matches)


def format_duration(seconds: float) -> str:
    """``8d 2h 0m 0s`` style, for people."""
    sign = "-" if seconds < 0 else ""
    left = int(abs(seconds))
    days, left = divmod(left, 86400)
    hours, left = divmod(left, 3600)
    minutes, secs = divmod(left, 60)
    parts = [f"{days}d"] if days else []
    parts += [f"{hours}h", f"{minutes}m", f"{secs}s"]
    return sign + " ".join(parts)


class VirtualClock:
    """Real UTC time, shifted by the ente's offset when it has one."""

    def __init__(self) -> None:
        self._offsets: dict[str, float] = {}

    def offset(self, ente: str | None) -> float:
        """Seconds this ente is ahead of real time (0 for unknown entes and for ``None``)."""
        return self._offsets.get(ente, 0.0) if ente else 0.0

    def now(self, ente: str | None = None) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset(ente))

    def timestamp(self, ente: str | None = None) -> float:
        return time.time() + self.offset(ente)

    def offsets(self) -> dict[str, float]:
        return dict(self._offsets)

    def set_offsets(self, offsets: dict[str, float]) -> None:
        """Replace every offset at once (what the registry says now)."""
        self._offsets = {ente: float(s) for ente, s in offsets.items() if s}

    def set_offset(self, ente: str, seconds: float) -> None:
        offsets = dict(self._offsets)
        if seconds:
            offsets[ente] = float(seconds)
        else:
            offsets.pop(ente, None)
        self._offsets = offsets


_process = VirtualClock()
_bound: ContextVar[VirtualClock | None] = ContextVar("sandbox_clock", default=None)


class BoundClock:
    """The clock code reads: the running app's own ``VirtualClock``, or the process's outside any app."""

    @staticmethod
    def current() -> VirtualClock:
        return _bound.get() or _process

    def bind(self, own: VirtualClock) -> Token:
        """From here on (this task and the tasks it starts) ``clock`` is ``own``."""
        return _bound.set(own)

    def unbind(self, token: Token) -> None:
        _bound.reset(token)

    def offset(self, ente: str | None) -> float:
        return self.current().offset(ente)

    def now(self, ente: str | None = None) -> datetime:
        return self.current().now(ente)

    def timestamp(self, ente: str | None = None) -> float:
        return self.current().timestamp(ente)

    def offsets(self) -> dict[str, float]:
        return self.current().offsets()

    def set_offsets(self, offsets: dict[str, float]) -> None:
        self.current().set_offsets(offsets)

    def set_offset(self, ente: str, seconds: float) -> None:
        self.current().set_offset(ente, seconds)


clock = BoundClock()
"""The clock every service reads. The fault engine (or, in the registry, its own store) sets the offsets."""


class ClockMiddleware:
    """Pure ASGI: each request reads the clock of the app serving it (``app.state.clock``)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        own = getattr(getattr(scope.get("app"), "state", None), "clock", None)
        if own is None:
            await self.app(scope, receive, send)
            return
        token = _bound.set(own)
        try:
            await self.app(scope, receive, send)
        finally:
            _bound.reset(token)
