"""Generate the AsyncAPI 3.0 document of every sandbox event from the catalog."""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from .. import __version__
from .catalog import EVENT_SERVICES, Catalog, catalog
from .topics import NO_ENTE

REF_TEMPLATE = "#/components/schemas/{model}"


def _ce_headers(event_type: str) -> dict[str, Any]:
    """Kafka headers of an event in binary content mode (values are UTF-8 strings)."""
    return {
        "type": "object",
        "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_partitionkey"],
        "properties": {
            "ce_specversion": {"type": "string", "const": "1.0"},
            "ce_id": {
                "type": "string",
                "description": "Identificador único; consumidores deduplicam por ele.",
            },
            "ce_source": {"type": "string", "description": "/govbr-sandbox/<serviço>/<ibge ou sandbox>"},
            "ce_type": {"type": "string", "const": event_type},
            "ce_subject": {"type": "string", "description": "A entidade de que o evento trata."},
            "ce_time": {"type": "string", "format": "date-time"},
            "ce_correlationid": {"type": "string", "description": "Liga a história entre serviços."},
            "ce_partitionkey": {"type": "string", "description": "Igual à chave do registro Kafka."},
            "ce_ente": {"type": "string", "description": "Código IBGE do ente, quando houver."},
            "content-type": {"type": "string", "const": "application/json"},
        },
    }


def build_asyncapi(cat: Catalog = catalog, namespace: str = "") -> dict[str, Any]:
    specs = cat.specs()
    models = sorted({s.model for s in specs}, key=lambda m: m.__name__)
    # Two services may name a model alike (TokenIssued): pydantic then qualifies the names, so take the
    # reference it made for each model rather than assuming the class name.
    refs, schema_doc = models_json_schema([(m, "validation") for m in models], ref_template=REF_TEMPLATE)
    schemas: dict[str, Any] = schema_doc.get("$defs", {})

    messages: dict[str, Any] = {}
    for spec in specs:
        messages[_message_id(spec.type)] = {
            "name": spec.type,
            "title": spec.type,
            "summary": spec.summary,
            "contentType": "application/json",
            "headers": _ce_headers(spec.type),
            "payload": refs[(spec.model, "validation")],
            "correlationId": {"location": "$message.header#/ce_correlationid"},
        }
        if spec.key:
            messages[_message_id(spec.type)]["x-partition-key"] = spec.key

    prefix = f"{namespace}." if namespace else ""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for service in EVENT_SERVICES:
        service_specs = [s for s in specs if s.service == service]
        if not service_specs:
            continue
        channel_id = f"{service}Events"
        channels[channel_id] = {
            "address": prefix + "govbr.{ente}." + service,
            "title": f"Eventos do serviço {service}",
            "description": f"Um tópico por ente; `govbr.{NO_ENTE}.{service}` para o que não pertence a um ente.",
            "parameters": {
                "ente": {
                    "description": f"Código IBGE (7 dígitos) do ente, ou `{NO_ENTE}`.",
                    "examples": ["3550308"],
                }
            },
            "messages": {
                _message_id(s.type): {"$ref": f"#/components/messages/{_message_id(s.type)}"}
                for s in service_specs
            },
        }
        operations[f"publish{service.capitalize()}Events"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"O serviço {service} publica seus eventos (outbox transacional, pelo menos uma vez).",
            "messages": [
                {"$ref": f"#/channels/{channel_id}/messages/{_message_id(s.type)}"} for s in service_specs
            ],
        }

    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "govbr-sandbox events",
            "version": __version__,
            "description": (
                "CloudEvents 1.0 publicados pelo govbr-sandbox no Kafka. Modo binário por padrão "
                "(cabeçalhos ce_*, data JSON, chave = partitionkey); modo estruturado por configuração."
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def _message_id(event_type: str) -> str:
    return event_type.replace(".", "_")
