"""The relay's fast binary encoding is the CloudEvents SDK's binary encoding, byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sandbox_kernel.events.envelope import EventRecord, binary_record, from_kafka_record, to_kafka_message


def _record(**changes) -> EventRecord:
    fields = dict(
        id="6f1c1a4e-1111-4d2b-9e55-0d2b7a3c9f00",
        topic="govbr.3550308.login",
        key="sandbox-local/3f9a",
        type="br.gov.sandbox.login.token.issued",
        source="/govbr-sandbox/login/3550308",
        subject="sandbox-local",
        time=datetime(2026, 12, 3, 20, 1, 2, 345678, tzinfo=UTC),
        correlationid="req-42",
        ente="3550308",
        data={"client_id": "sandbox-local", "nível": "ouro", "n": 3, "ok": True, "lista": [1, None]},
    )
    fields.update(changes)
    return EventRecord(**fields)


@pytest.mark.parametrize(
    "record",
    [
        _record(),
        _record(subject=None, correlationid=None, ente=None),
        _record(data={}, time=datetime(2026, 1, 1, tzinfo=UTC)),
        _record(data={"texto": "ação \u2014 \"aspas\" \\ barra"}),
    ],
)
def test_binary_record_equals_the_sdk(record):
    headers, value = binary_record(record)
    sdk = to_kafka_message(record, "binary")
    assert dict(headers) == sdk.headers
    assert len(headers) == len(sdk.headers)
    assert value == sdk.value
    parsed = from_kafka_record(headers, record.key.encode(), value)
    assert parsed.get_id() == record.id and parsed.get_data() == record.data
