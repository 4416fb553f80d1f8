"""One trâmite, one story: with three partitions every event of a trâmite (sender's and robot's side) has the
IDT as key, lands on one partition and arrives in causal order (situação steps 0→6 one after the other)."""

from __future__ import annotations

import pytest

from .conftest import component, documento, processo_body

STATUS = "br.gov.sandbox.tramita.tramite.status_changed"


@pytest.fixture
def sandbox_settings(sandbox_settings):
    return sandbox_settings.model_copy(update={"topic_partitions": 3})


async def test_a_tramite_to_6_is_one_key_one_partition_in_order(tramita, sandbox_events):
    html = b"<html><body>Despacho</body></html>"
    async with tramita.client(tramita.seed) as pen:
        body = processo_body(
            tramita.unit("PROT"),
            tramita.unit("RBACE"),
            [documento(1, [component("despacho.html", html, "text/html")])],
            "99990.000077/2026-11",
        )
        created = await pen.send(body)
        idt = created["IDT"]
        response = await pen.upload(
            created["ticketParaEnvioDeComponentesDigitais"], "99990.000077/2026-11", html
        )
        assert response.status_code == 200, response.text
        await pen.wait_situacao(idt, 5)
        assert (await pen.get(f"/tramites/{idt}/recibo")).status_code == 200

    await sandbox_events.wait_for(type=STATUS, match={"IDT": idt, "para": 6}, timeout=30)
    story = [e for e in sandbox_events.received if e.data.get("IDT") == idt]
    assert {e.type.rsplit(".", 2)[-2] for e in story} >= {"tramite", "component", "receipt", "pendencia"}
    assert {e.key for e in story} == {str(idt)}
    assert len({(e.topic, e.partition) for e in story}) == 1
    offsets = [e.offset for e in story]
    assert offsets == sorted(offsets)
    steps = [(e.data["de"], e.data["para"]) for e in story if e.type == STATUS]
    assert steps == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]  # in the order they happened
