"""Stories: the events of one partition key, as one lane (a login session, a signature, a trâmite).

The trâmite lane is drawn as its situação steps: 0→6 on success, then →8→9 when refused, →7 or →10 when
cancelled. Pure: built from ``ConsoleEvent`` lists, in consumption order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .events import ConsoleEvent
from .narration import SITUACOES, Names, narrate

KINDS = {"login": "Login gov.br", "assinatura": "Assinatura", "tramita": "Trâmite"}
MAIN_PATH = [0, 1, 2, 3, 4, 5, 6]


@dataclass
class Step:
    seq: int
    time: str
    type: str
    text: str
    refused: bool


@dataclass
class Story:
    service: str
    key: str
    steps: list[Step] = field(default_factory=list)
    persona: str | None = None
    app: str | None = None
    situacao: int | None = None
    situacoes: list[int] = field(default_factory=list)  # every situação reached, in order

    @property
    def kind(self) -> str:
        return KINDS.get(self.service, self.service)

    @property
    def refused(self) -> bool:
        return any(s.refused for s in self.steps)

    @property
    def last_seq(self) -> int:
        return self.steps[-1].seq if self.steps else 0

    def title(self, names: Names) -> str:
        if self.service == "tramita":
            return f"Trâmite IDT {self.key}"
        parts = [self.kind]
        if self.app:
            parts.append(names.app(self.app))
        if self.persona:
            parts.append(names.persona(self.persona))
        return " · ".join(parts)

    def path(self) -> list[dict]:
        """The situação steps to draw: the main path, bent towards 7, 8→9 or 10 when the trâmite ends so."""
        reached = set(self.situacoes)
        ending = [s for s in (7, 8, 9, 10) if s in reached]
        if ending:
            last_main = max((s for s in reached if s <= 6), default=0)
            codes = MAIN_PATH[: last_main + 1] + ending
        else:
            codes = MAIN_PATH
        return [
            {
                "codigo": c,
                "descricao": SITUACOES[c],
                "estado": "atual" if c == self.situacao else ("feito" if c in reached else "pendente"),
            }
            for c in codes
        ]


def story_key(event: ConsoleEvent) -> tuple[str, str] | None:
    """Which lane an event belongs to; platform events only (registry and lifecycle events have none)."""
    if event.service not in KINDS or not event.key:
        return None
    if event.short_type.endswith(("service.started", "ping.received")):
        return None
    return event.service, event.key


def add_event(story: Story, event: ConsoleEvent, names: Names) -> Step:
    data = event.data
    story.persona = story.persona or data.get("cpf")
    story.app = story.app or data.get("client_id")
    if event.short_type == "tramita.tramite.status_changed" and isinstance(data.get("para"), int):
        story.situacao = data["para"]
        if data.get("de") is not None and data["de"] not in story.situacoes:
            story.situacoes.append(data["de"])
        if data["para"] not in story.situacoes:
            story.situacoes.append(data["para"])
    step = Step(
        seq=event.seq,
        time=event.time,
        type=event.short_type,
        text=narrate(event, names) or event.short_type,
        refused=event.refusal is not None or event.short_type.endswith((".refused", ".rejected", ".denied")),
    )
    story.steps.append(step)
    return step


def build_stories(events: Iterable[ConsoleEvent], names: Names) -> list[Story]:
    """Lanes, most recently active first."""
    stories: dict[tuple[str, str], Story] = {}
    for event in sorted(events, key=lambda e: e.seq):
        key = story_key(event)
        if key is None:
            continue
        story = stories.get(key)
        if story is None:
            story = stories[key] = Story(service=key[0], key=key[1])
        add_event(story, event, names)
    return sorted(stories.values(), key=lambda s: s.last_seq, reverse=True)
