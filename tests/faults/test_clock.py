"""The virtual clock per ente: advancing one ente's clock ages only that ente's trâmites, tokens, codes."""

from __future__ import annotations

import pytest

from sandbox_kernel.clock import DurationError, format_duration, parse_duration

from ..tramita.conftest import SEED_ENTE, component, documento, processo_body

OTHER = "3304557"  # Rio de Janeiro
STATUS = "br.gov.sandbox.tramita.tramite.status_changed"


def test_durations():
    assert parse_duration("8d") == 8 * 86400
    assert parse_duration("1d12h") == 36 * 3600
    assert parse_duration("P8DT2H") == 8 * 86400 + 7200
    assert parse_duration("-90m") == -5400
    assert parse_duration("45") == 45
    assert format_duration(8 * 86400 + 61) == "8d 0h 1m 1s"
    for bad in ("", "8x", "d8", "P", "8 dias"):
        with pytest.raises(DurationError):
            parse_duration(bad)


async def _send_to_silent_robot(tramita, bundle, remetente: dict, protocolo: str) -> int:
    data = protocolo.encode()
    async with tramita.client(bundle) as pen:
        body = processo_body(
            remetente,
            tramita.unit("RBSIL"),
            [documento(1, [component("a.html", data, "text/html")])],
            protocolo,
        )
        created = await pen.send(body)
        r = await pen.upload(created["ticketParaEnvioDeComponentesDigitais"], protocolo, data)
        assert r.status_code == 200, r.text
        assert await pen.situacao(created["IDT"]) == 2
        return created["IDT"]


async def test_advancing_one_ente_clock_cancels_only_its_idle_tramite(tramita, sandbox_events):
    created = await tramita.registry.post(
        "/entes", json={"ibge": OTHER, "nome": "Rio de Janeiro", "uf": "RJ"}
    )
    assert created.status_code == 201, created.text
    key = created.json()["api_key"]
    units = (await tramita.registry.get(f"/entes/{OTHER}/estruturas")).json()
    own = [u for u in units if not u["robot"]]
    other = await tramita.new_system("SEI RJ", [own[0]["numeroDeIdentificacaoDaEstrutura"]], ente=OTHER)

    seed_idt = await _send_to_silent_robot(
        tramita, tramita.seed, tramita.unit("PROT"), "99990.000101/2026-11"
    )
    other_idt = await _send_to_silent_robot(tramita, other, own[0], "99990.000102/2026-12")

    # An ente's key manages only its own clock.
    denied = await tramita.registry.post(
        f"/entes/{SEED_ENTE}/clock/advance", json={"by": "8d"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert denied.status_code == 403, denied.text
    bad = await tramita.registry.post(f"/entes/{SEED_ENTE}/clock/advance", json={"by": "oito dias"})
    assert bad.status_code == 422 and bad.json()["campos"][0]["campo"] == "by", bad.text

    moved = await tramita.registry.post(f"/entes/{SEED_ENTE}/clock/advance", json={"by": "8d"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["offset_seconds"] == 8 * 86400

    async with tramita.client(tramita.seed) as pen:
        await pen.wait_situacao(seed_idt, 10, timeout=20)
    event = await sandbox_events.wait_for(type=STATUS, match={"IDT": seed_idt, "para": 10})
    assert event.data["gatilho"] == "expiracao"
    async with tramita.client(other) as pen:
        assert await pen.situacao(other_idt) == 2  # Rio's clock did not move

    changed = await sandbox_events.wait_for(
        type="br.gov.sandbox.registry.clock.changed", match={"ente": SEED_ENTE}
    )
    assert changed.data["by_seconds"] == 8 * 86400

    shown = (await tramita.registry.get(f"/entes/{SEED_ENTE}/clock")).json()
    assert shown["offset_seconds"] == 8 * 86400 and shown["now"] > shown["real_now"]
    reset = await tramita.registry.delete(f"/entes/{SEED_ENTE}/clock")
    assert reset.json()["offset_seconds"] == 0
