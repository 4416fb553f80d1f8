"""An independent Kafka client (librdkafka via confluent-kafka) reads our events; the CloudEvents SDK parses them."""

from __future__ import annotations

import asyncio
import json

import pytest
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat
from confluent_kafka import Consumer, TopicPartition


def _read_all(bootstrap: str, topic: str, expected: int, timeout: float = 15.0) -> list:
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "interop-test",  # required by librdkafka; unused with manual assignment
            "enable.auto.commit": False,
            "api.version.request": True,
        }
    )
    consumer.assign([TopicPartition(topic, 0, 0)])  # OFFSET 0: from the start, no group join
    messages, loops = [], int(timeout / 0.5)
    try:
        for _ in range(loops):
            message = consumer.poll(0.5)
            if message is None:
                if len(messages) >= expected:
                    break
                continue
            assert message.error() is None, message.error()
            messages.append(message)
    finally:
        consumer.close()
    return messages


@pytest.mark.parametrize("mode", ["binary", "structured"])
async def test_librdkafka_consumer_reads_and_cloudevents_sdk_parses(
    mode, sandbox_service, sandbox_events, sandbox_settings
):
    settings = sandbox_settings.model_copy(update={"event_mode": mode})
    client = await sandbox_service("login", settings)
    ids = [
        (await client.post("/sandbox/ping", params={"ente": "4106902", "message": f"m{i}"})).json()["id"]
        for i in range(3)
    ]
    await sandbox_events.wait_for(type="br.gov.sandbox.login.ping.received", count=3)

    topic = f"{settings.topic_namespace}.govbr.4106902.login"
    messages = await asyncio.to_thread(_read_all, settings.bootstrap_servers, topic, 3)
    assert len(messages) == 3
    parsed = []
    for message in messages:
        headers = {k: v for k, v in (message.headers() or [])}
        if mode == "binary":
            assert headers["ce_specversion"] == b"1.0"
            assert headers["content-type"] == b"application/json"
            assert json.loads(message.value())["ente"] == "4106902"  # data alone in the value
        else:
            assert not any(k.startswith("ce_") for k in headers)
            assert json.loads(message.value())["specversion"] == "1.0"
        kafka_message = ce_kafka.KafkaMessage(headers=headers, key=message.key(), value=message.value())
        event = ce_kafka.from_kafka(kafka_message, JSONFormat())
        assert message.key() == b"ping"
        parsed.append(event)
    assert [e.get_id() for e in parsed] == ids  # commit order kept for one key
    assert [e.get_data()["message"] for e in parsed] == ["m0", "m1", "m2"]
    assert {e.get_type() for e in parsed} == {"br.gov.sandbox.login.ping.received"}
