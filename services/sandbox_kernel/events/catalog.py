"""The one catalog of event types: every event any service emits is a pydantic model registered here.

The AsyncAPI document, the ``events tail`` printer and the tests all read this catalog, so an event
that is not registered cannot be emitted.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

TYPE_PREFIX = "br.gov.sandbox"
EVENT_SERVICES = ("registry", "login", "assinatura", "tramita", "console")

# Field names that would carry a secret. Event models may not declare them (checked at registration).
SECRET_FIELD = re.compile(
    r"^(code|code_verifier|token|private_key|chave_privada)$|(secret|password|senha|_token)$", re.IGNORECASE
)


class EventData(BaseModel):
    """Base of every event payload. Strict: unknown fields are a bug in the emitter."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class EventSpec:
    type: str
    service: str
    entity: str
    verb: str
    model: builtins.type[EventData]  # the field `type` above shadows the builtin here
    summary: str
    key: str | None = None  # how the partition key is made (published as x-partition-key in AsyncAPI)


class Catalog:
    def __init__(self) -> None:
        self._specs: dict[str, EventSpec] = {}
        self._by_model: dict[tuple[str, type[EventData]], EventSpec] = {}

    def register(
        self, services: str | tuple[str, ...], entity: str, verb: str, summary: str, key: str | None = None
    ):
        """Class decorator: ``@catalog.register("login", "token", "issued", "...", key="<client_id>/<sessão>")``.

        ``key`` says which story the event belongs to: every event of one story shares its partition key."""
        names = (services,) if isinstance(services, str) else services

        def decorate(model: type[EventData]) -> type[EventData]:
            _reject_secret_fields(model)
            for service in names:
                if service not in EVENT_SERVICES:
                    raise ValueError(f"unknown event service {service!r}")
                spec = EventSpec(
                    f"{TYPE_PREFIX}.{service}.{entity}.{verb}", service, entity, verb, model, summary, key
                )
                if spec.type in self._specs:
                    raise ValueError(f"event type registered twice: {spec.type}")
                self._specs[spec.type] = spec
                self._by_model[(service, model)] = spec
            return model

        return decorate

    def spec_for(self, service: str, model: type[EventData]) -> EventSpec:
        try:
            return self._by_model[(service, model)]
        except KeyError:
            raise LookupError(f"{model.__name__} is not a registered event of service {service!r}") from None

    def get(self, event_type: str) -> EventSpec | None:
        return self._specs.get(event_type)

    def specs(self) -> list[EventSpec]:
        return sorted(self._specs.values(), key=lambda s: s.type)


def _reject_secret_fields(model: type[EventData]) -> None:
    for name in model.model_fields:
        if SECRET_FIELD.search(name):
            raise ValueError(f"{model.__name__}.{name}: event fields must never carry secrets")


catalog = Catalog()
