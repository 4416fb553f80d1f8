"""One consumed event as the console sees it: the CloudEvent plus what the pages need to find and explain it.

Pure: works on the structured-mode JSON of a CloudEvent (a dict), never on a Kafka record.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

TYPE_PREFIX = "br.gov.sandbox."
_TOPIC = re.compile(r"^(?:(?P<ns>.+)\.)?govbr\.(?P<ente>[^.]+)\.(?P<service>[^.]+)$")
NO_ENTE = "sandbox"


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused, in the shape every service agreed on (older field names mapped in)."""

    check: str
    reason: str
    expected: str | None = None
    reference: str | None = None
    received: str | None = None


@dataclass(frozen=True)
class ConsoleEvent:
    seq: int
    topic: str
    ente: str | None  # None: the sandbox's own topic (admin only)
    cloudevent: dict[str, Any]
    service: str = ""
    cpf: str | None = None
    refusal: Refusal | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def json(self) -> str:
        """The structured CloudEvent JSON, serialised once however many streams send it."""
        return json.dumps(self.cloudevent, ensure_ascii=False, separators=(",", ":"))

    @property
    def id(self) -> str:
        return self.cloudevent["id"]

    @property
    def type(self) -> str:
        return self.cloudevent.get("type", "")

    @property
    def key(self) -> str:
        return self.cloudevent.get("partitionkey") or self.cloudevent.get("subject") or ""

    @property
    def time(self) -> str:
        return self.cloudevent.get("time", "")

    @property
    def data(self) -> dict[str, Any]:
        data = self.cloudevent.get("data")
        return data if isinstance(data, dict) else {}

    @property
    def short_type(self) -> str:
        """``login.token.issued`` for ``br.gov.sandbox.login.token.issued``; unknown prefixes stay whole."""
        return self.type[len(TYPE_PREFIX) :] if self.type.startswith(TYPE_PREFIX) else self.type


def parse_topic(topic: str) -> tuple[str | None, str]:
    """(ente, service) of ``[ns.]govbr.<ente>.<service>``; the ente is None for the sandbox's own topic."""
    match = _TOPIC.match(topic)
    if not match:
        return None, ""
    ente = match["ente"]
    return (None if ente == NO_ENTE else ente), match["service"]


def cpf_of(data: dict[str, Any]) -> str | None:
    value = data.get("cpf")
    if not isinstance(value, str):
        return None
    digits = "".join(c for c in value if c.isdigit())
    return digits or None


def refusal_of(data: dict[str, Any]) -> Refusal | None:
    """The unified refusal fields, or assinatura's older ``verificacao/motivo/esperado``, or Tramita's."""
    check = data.get("check") or data.get("verificacao") or data.get("codigoErro")
    reason = data.get("reason") or data.get("motivo") or data.get("mensagem")
    if not check and "texto_esperado" in data:  # Tramita receipt refused
        check = "recibo"
    if not check or not isinstance(reason, str) or not reason:
        return None
    expected = data.get("expected") or data.get("esperado") or data.get("texto_esperado")
    return Refusal(
        check=str(check),
        reason=reason,
        expected=str(expected) if expected not in (None, "") else None,
        reference=data.get("reference"),
        received=data.get("recebido"),
    )


def from_cloudevent(seq: int, topic: str, cloudevent: dict[str, Any]) -> ConsoleEvent:
    ente, service = parse_topic(topic)
    data = cloudevent.get("data") if isinstance(cloudevent.get("data"), dict) else {}
    if not service and cloudevent.get("type", "").startswith(TYPE_PREFIX):
        service = cloudevent["type"][len(TYPE_PREFIX) :].split(".", 1)[0]
    return ConsoleEvent(
        seq=seq,
        topic=topic,
        ente=ente,
        cloudevent=cloudevent,
        service=service,
        cpf=cpf_of(data),
        refusal=refusal_of(data),
    )
