"""Shared test helpers. The fixtures themselves come from the govbr_sandbox pytest plugin
(services/sandbox_kernel/testing/plugin.py), the same one QA teams use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from sandbox_kernel.events.asyncapi import build_asyncapi

SCHEMAS = Path(__file__).parent / "schemas"


@pytest.fixture(scope="session")
def asyncapi_doc() -> dict:
    return build_asyncapi()


@pytest.fixture(scope="session")
def validate_event(asyncapi_doc):
    """Validate a received CloudEvent (data and binary-mode headers) against the AsyncAPI document."""
    uri = "urn:govbr-sandbox:asyncapi"
    registry = Registry().with_resource(
        uri, Resource.from_contents(asyncapi_doc, default_specification=DRAFT7)
    )
    messages = {m["name"]: m for m in asyncapi_doc["components"]["messages"].values()}

    def validate(received) -> None:
        event = received.event
        message = messages.get(event.get_type())
        assert message is not None, f"{event.get_type()} is not in the AsyncAPI document"
        Draft7Validator({"$ref": f"{uri}#{message['payload']['$ref'][1:]}"}, registry=registry).validate(
            event.get_data()
        )
        headers = {f"ce_{k}": _text(v) for k, v in event.get_attributes().items() if k != "datacontenttype"}
        headers["content-type"] = "application/json"
        Draft7Validator(message["headers"]).validate(headers)

    return validate


def _text(value) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


def load_json(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())
