"""What every service gets from the kernel: health, service.started, ping events, correlation ids."""

from __future__ import annotations

import pytest

from sandbox_kernel.settings import Settings
from sandbox_kernel.testing.processes import free_port

SERVICES = ["registry", "login", "assinatura", "tramita"]


@pytest.mark.storage
@pytest.mark.parametrize("name", SERVICES)
async def test_health_ok_and_started_event(
    name, sandbox_service, sandbox_events, sandbox_settings, validate_event
):
    client = await sandbox_service(name)
    started = await sandbox_events.wait_for(type=f"br.gov.sandbox.{name}.service.started")
    validate_event(started)
    assert started.topic == f"{sandbox_settings.topic_namespace}.govbr.sandbox.{name}"
    assert started.key == name

    response = await client.get("/sandbox/health")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["broker"]["status"] == "ok"

    docs = await client.get("/openapi.json")
    assert "/sandbox/health" in docs.json()["paths"]


async def test_health_is_degraded_while_the_broker_is_unreachable(sandbox_service, sandbox_settings):
    settings = sandbox_settings.model_copy(update={"kafka_bootstrap_servers": f"127.0.0.1:{free_port()}"})
    client = await sandbox_service("login", settings)
    response = await client.get("/sandbox/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert "broker" in body["reason"]
    assert body["checks"]["database"]["status"] == "ok"
    assert body["outbox"]["pending"] >= 1  # service.started waits in the outbox


async def test_ping_reaches_the_ente_topic_with_the_callers_correlation_id(
    sandbox_service, sandbox_events, sandbox_settings, validate_event
):
    client = await sandbox_service("tramita")
    response = await client.post(
        "/sandbox/ping",
        params={"ente": "3550308", "message": "olá"},
        headers={"X-Correlation-ID": "corr-123"},
    )
    assert response.status_code == 202
    assert response.headers["x-correlation-id"] == "corr-123"
    body = response.json()
    event = await sandbox_events.wait_for(
        type="br.gov.sandbox.tramita.ping.received", match={"id": body["id"]}
    )
    validate_event(event)
    assert event.topic == f"{sandbox_settings.topic_namespace}.govbr.3550308.tramita" == body["topic"]
    assert event.event.get_extension("correlationid") == "corr-123"
    assert event.event.get_extension("ente") == "3550308"
    assert event.event.get_source() == "/govbr-sandbox/tramita/3550308"
    assert event.data == {"message": "olá", "ente": "3550308"}


async def test_a_new_correlation_id_is_made_when_none_is_sent(sandbox_service, sandbox_events):
    client = await sandbox_service("login")
    response = await client.post("/sandbox/ping")
    generated = response.headers["x-correlation-id"]
    assert len(generated) == 32
    event = await sandbox_events.wait_for(
        type="br.gov.sandbox.login.ping.received", match={"id": response.json()["id"]}
    )
    assert event.event.get_extension("correlationid") == generated


async def test_ping_rejects_a_malformed_ente(sandbox_service):
    client = await sandbox_service("login")
    response = await client.post("/sandbox/ping", params={"ente": "35503"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "ente"]


async def test_structured_mode_carries_the_same_event(sandbox_service, sandbox_events, sandbox_settings):
    settings: Settings = sandbox_settings.model_copy(update={"event_mode": "structured"})
    client = await sandbox_service("assinatura", settings)
    response = await client.post("/sandbox/ping", params={"message": "estruturado"})
    event = await sandbox_events.wait_for(
        type="br.gov.sandbox.assinatura.ping.received", match={"id": response.json()["id"]}
    )
    assert event.data["message"] == "estruturado"
    assert event.event.get_subject() == "ping"
