"""The event catalog's AsyncAPI 3.0 document is valid and describes every event type."""

from __future__ import annotations

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from sandbox_kernel.events.catalog import EventData, catalog

from .conftest import load_json


def _asyncapi_validator() -> Draft7Validator:
    schema = load_json("asyncapi-3.0.0.json")
    # The official bundle holds every sub-schema under "definitions", each with its own $id.
    registry = Registry().with_resources(
        (d["$id"], Resource.from_contents(d, default_specification=DRAFT7))
        for d in schema.get("definitions", {}).values()
        if isinstance(d, dict) and "$id" in d
    )
    return Draft7Validator(schema, registry=registry)


def test_document_validates_against_asyncapi_3_schema(asyncapi_doc):
    errors = sorted(_asyncapi_validator().iter_errors(asyncapi_doc), key=lambda e: e.path)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_validator_rejects_a_broken_document(asyncapi_doc):
    broken = {**asyncapi_doc, "asyncapi": "3.0.0", "operations": {"x": {"action": "shout"}}}
    assert list(_asyncapi_validator().iter_errors(broken))


def test_every_catalog_type_has_a_message_and_a_channel(asyncapi_doc):
    names = {m["name"] for m in asyncapi_doc["components"]["messages"].values()}
    assert names == {spec.type for spec in catalog.specs()}
    for spec in catalog.specs():
        assert spec.type.startswith(f"br.gov.sandbox.{spec.service}.")
        assert f"{spec.service}Events" in asyncapi_doc["channels"]
    assert asyncapi_doc["channels"]["loginEvents"]["address"] == "govbr.{ente}.login"


def test_event_models_cannot_declare_secret_fields():
    class Leaky(EventData):
        client_secret: str

    try:
        catalog.register("login", "leak", "tested", "never")(Leaky)
    except ValueError as exc:
        assert "secret" in str(exc)
    else:
        raise AssertionError("a model with a client_secret field was accepted")


def test_login_and_assinatura_state_their_partition_key_and_refusal_enums(asyncapi_doc):
    """Each login and assinatura message says which story keys it (x-partition-key), and every refusal has
    the one shape: ``check`` a closed enum, ``reason``, ``expected``, ``reference``."""
    messages = asyncapi_doc["components"]["messages"]
    schemas = asyncapi_doc["components"]["schemas"]
    refusals = 0
    own = {
        s.type
        for s in catalog.specs()
        if s.model.__module__.rsplit(".", 1)[1] in ("login", "assinatura")  # not the common events
    }
    for message in messages.values():
        if message["name"] not in own:
            continue
        assert message.get("x-partition-key"), message["name"]
        schema = schemas[message["payload"]["$ref"].rsplit("/", 1)[1]]
        if "check" not in schema["properties"]:
            continue
        refusals += 1
        assert {"reason", "expected", "reference"} <= set(schema["properties"]), message["name"]
        check = schema["properties"]["check"]
        enum = schemas[check["$ref"].rsplit("/", 1)[1]] if "$ref" in check else check
        assert enum.get("enum"), message["name"]
    assert (
        refusals >= 7
    )  # login: authorize, authentication, token, api; assinatura: authorization, token, signature
