"""``events.wait_for(...)``: assert on what a service published, read back from the real broker."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from ..events.reader import EventReader, ReceivedEvent
from ..events.topics import topic_pattern

Match = dict[str, Any] | Callable[[ReceivedEvent], bool] | None


class EventsHelper:
    """Consumes every topic of one namespace in the background and keeps what it saw."""

    def __init__(self, bootstrap_servers: str, namespace: str = "") -> None:
        self.reader = EventReader(bootstrap_servers, topic_pattern(namespace), from_beginning=True)
        self.received: list[ReceivedEvent] = []
        self._changed = asyncio.Condition()
        self._task: asyncio.Task | None = None

    async def start(self) -> EventsHelper:
        await self.reader.__aenter__()
        self._task = asyncio.create_task(self._consume())
        return self

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.reader.__aexit__()

    async def _consume(self) -> None:
        async for batch in self.reader.batches(poll_ms=50):
            if batch:
                async with self._changed:
                    self.received.extend(batch)
                    self._changed.notify_all()

    def matching(self, type: str | None = None, match: Match = None) -> list[ReceivedEvent]:
        return [e for e in self.received if _matches(e, type, match)]

    def unique(self, type: str | None = None, match: Match = None) -> list[ReceivedEvent]:
        """Matching events deduplicated by CloudEvent id, as an at-least-once consumer must."""
        seen: dict[str, ReceivedEvent] = {}
        for e in self.matching(type, match):
            seen.setdefault(e.event.get_id(), e)
        return list(seen.values())

    async def wait_for(
        self, type: str | None = None, match: Match = None, timeout: float = 10.0, count: int = 1
    ) -> ReceivedEvent:
        """Wait until ``count`` distinct matching events arrived; return the first. Times out with context."""

        async def enough() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.unique(type, match)) >= count)

        try:
            await asyncio.wait_for(enough(), timeout)
        except TimeoutError:
            seen = sorted({e.type for e in self.received})
            raise AssertionError(
                f"no {count} event(s) of type {type!r} matching {match!r} within {timeout}s; "
                f"{len(self.received)} received, types seen: {seen}"
            ) from None
        return self.unique(type, match)[0]


def _matches(item: ReceivedEvent, type: str | None, match: Match) -> bool:
    if type and item.type != type:
        return False
    if match is None:
        return True
    if callable(match):
        return match(item)
    attributes = item.event.get_attributes()
    for key, expected in match.items():
        actual = item.data.get(key, attributes.get(key))
        if actual != expected:
            return False
    return True
