"""What a page gets for one event: the CloudEvent plus its sentence, refusal, story lane and milestone."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .events import ConsoleEvent
from .milestones import milestone_of
from .narration import Names, narrate
from .stories import Story, add_event, story_key


def present(event: ConsoleEvent, names: Names) -> dict[str, Any]:
    lane = story_key(event)
    story = None
    if lane:
        story = Story(service=lane[0], key=lane[1])
        add_event(story, event, names)
    milestone = milestone_of(event)
    return {
        "cursor": event.seq,
        "evento": event.cloudevent,
        "tipo": event.short_type,
        "servico": event.service,
        "ente": event.ente,
        "resumo": narrate(event, names),
        "recusa": asdict(event.refusal) if event.refusal else None,
        "historia": None
        if story is None
        else {
            "chave": f"{story.service}|{story.key}",
            "tipo": story.kind,
            "titulo": story.title(names),
            "passo": story.steps[0].text,
            "recusado": story.refused,
            "situacao": story.situacao,
            "situacao_de": event.data.get("de") if story.situacao is not None else None,
        },
        "marco": milestone.value if milestone else None,
    }
