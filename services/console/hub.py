"""In-memory fan-out: the newest events and the stream's state, shared by every open SSE stream.

Thirty trainees streaming must not mean thirty database polls per event: streams whose cursor is within
the ring read from memory and wait on one shared signal; only a stream resuming from far back reads the
database (``storage.events_after``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from dataclasses import dataclass

from .domain.events import ConsoleEvent


@dataclass(frozen=True)
class StreamStatus:
    state: str  # "conectando", "ao_vivo" or "pausado"
    reason: str | None = None
    version: int = 0

    def as_dict(self) -> dict:
        return {"estado": self.state, "motivo": self.reason}


class Hub:
    def __init__(self, capacity: int) -> None:
        self.recent: deque[ConsoleEvent] = deque(maxlen=capacity)
        self.last_seq = 0
        self.status = StreamStatus("conectando", "aguardando o broker Kafka")
        self._signal = asyncio.Event()

    def start_at(self, seq: int) -> None:
        self.last_seq = seq

    def publish(self, events: list[ConsoleEvent]) -> None:
        if not events:
            return
        self.recent.extend(events)
        self.last_seq = events[-1].seq
        self._wake()

    def set_status(self, state: str, reason: str | None = None) -> None:
        if (state, reason) != (self.status.state, self.status.reason):
            self.status = StreamStatus(state, reason, self.status.version + 1)
            self._wake()

    def since(self, cursor: int) -> list[ConsoleEvent] | None:
        """Events after ``cursor`` from memory, or None when the ring no longer reaches that far back."""
        if cursor >= self.last_seq:
            return []
        if not self.recent or cursor < self.recent[0].seq - 1:
            return None
        start = cursor - self.recent[0].seq + 1  # seqs in the ring are consecutive
        return list(itertools.islice(self.recent, start, None))

    async def wait(self, cursor: int, status_version: int, timeout: float) -> None:
        """Return when there is something after ``cursor``, the status changed, or ``timeout`` passed."""
        if self.last_seq > cursor or self.status.version != status_version:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._signal.wait(), timeout)

    def _wake(self) -> None:
        self._signal.set()
        self._signal = asyncio.Event()
