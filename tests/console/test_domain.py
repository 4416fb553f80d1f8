"""The console's pure core: scope, filters, refusals in both shapes, narration and the trâmite's path."""

from __future__ import annotations

import pytest

from console.domain.events import from_cloudevent, parse_topic
from console.domain.filters import EventFilter, InvalidFilter, Scope
from console.domain.milestones import Milestone, grid
from console.domain.narration import Names, narrate
from console.domain.stories import build_stories

NAMES = Names(
    personas={"99900000188": ("Maria da Silva Santos", "ouro")}, apps={"app-1": "Portal do Cidadão"}
)


def ev(seq, type_, data, key="app-1/s1", topic="ns.govbr.3550308.login"):
    return from_cloudevent(
        seq,
        topic,
        {
            "id": f"e{seq}",
            "type": f"br.gov.sandbox.{type_}",
            "partitionkey": key,
            "time": "2026-12-03T20:00:00Z",
            "data": data,
        },
    )


def test_topics_give_ente_and_service_with_or_without_namespace():
    assert parse_topic("ci-42.govbr.3550308.login") == ("3550308", "login")
    assert parse_topic("govbr.sandbox.tramita") == (None, "tramita")


def test_an_ente_scope_sees_its_topics_only_and_never_the_sandbox_topic():
    mine, other, sandbox = (
        ev(1, "login.token.issued", {}),
        ev(2, "login.token.issued", {}, topic="ns.govbr.5300108.login"),
        ev(3, "login.service.started", {}, topic="ns.govbr.sandbox.login"),
    )
    scope = Scope(admin=False, ente="3550308")
    assert [scope.allows(e) for e in (mine, other, sandbox)] == [True, False, False]
    assert all(Scope(admin=True).allows(e) for e in (mine, other, sandbox))


def test_filters_validate_and_match():
    event = ev(1, "login.token.issued", {"cpf": "999.000.001-88", "client_auth": "client_secret_basic"})
    assert EventFilter.parse(tipo="login.token", cpf="99900000188", servico="login").matches(event)
    assert EventFilter.parse(texto="SECRET_BASIC").matches(event)
    assert not EventFilter.parse(historia="outra").matches(event)
    for bad in ({"servico": "nada"}, {"cpf": "123"}, {"tipo": "a b"}):
        with pytest.raises(InvalidFilter):
            EventFilter.parse(**bad)


def test_refusals_in_the_unified_and_the_older_assinatura_shape():
    new = ev(
        1,
        "login.token.rejected",
        {
            "check": "pkce",
            "reason": "code_verifier não confere",
            "expected": "S256",
            "reference": "acesso-govbr.md §3.2",
        },
    )
    old = ev(
        2,
        "assinatura.token.rejected",
        {"verificacao": "client_secret", "motivo": "segredo errado", "esperado": "o segredo do cliente"},
    )
    assert (new.refusal.check, new.refusal.expected, new.refusal.reference) == (
        "pkce",
        "S256",
        "acesso-govbr.md §3.2",
    )
    assert (old.refusal.check, old.refusal.reason, old.refusal.expected) == (
        "client_secret",
        "segredo errado",
        "o segredo do cliente",
    )
    assert ev(3, "login.token.issued", {}).refusal is None


def test_narration_names_the_persona_and_app_and_unknown_types_stay_raw():
    signed_in = ev(
        1,
        "login.user.authenticated",
        {"client_id": "app-1", "cpf": "99900000188", "nivel": "ouro", "method": "login_hint"},
    )
    assert narrate(signed_in, NAMES).startswith(
        "Maria da Silva Santos (ouro) entrou pelo app Portal do Cidadão"
    )
    token = ev(2, "login.token.issued", {"client_auth": "client_secret_basic", "expires_in": 3599})
    assert "token emitido com client_secret_basic" in narrate(token, NAMES)
    assert narrate(ev(3, "login.coisa.nova", {}), NAMES) is None


def test_a_refused_tramite_bends_its_path_to_8_then_9_and_counts_as_ciencia():
    key, topic = "42", "ns.govbr.3550308.tramita"
    steps = [(None, 0), (0, 1), (1, 2), (2, 3), (3, 8), (8, 9)]
    events = [
        ev(
            i,
            "tramita.tramite.status_changed",
            {"IDT": 42, "protocolo": "P", "de": de, "para": para},
            key,
            topic,
        )
        for i, (de, para) in enumerate(steps, start=1)
    ]
    (story,) = build_stories(events, NAMES)
    assert [p["codigo"] for p in story.path()] == [0, 1, 2, 3, 8, 9]
    assert story.path()[-1]["estado"] == "atual" and story.situacao == 9
    assert grid(["3550308"], events)["3550308"][Milestone.ciencia] is True
    assert grid(["3550308"], events)["3550308"][Milestone.tramite] is False


def test_info_json_and_the_services_table_know_the_console(tmp_path):
    from sandbox_kernel.info import sandbox_info
    from sandbox_kernel.services import SERVICES
    from sandbox_kernel.settings import Settings

    info = sandbox_info(Settings(data_dir=tmp_path, console_port=8999))
    assert info["console"]["url"] == "http://127.0.0.1:8999"
    assert info["services"]["console"]["health"] == "http://127.0.0.1:8999/sandbox/health"
    assert "console" in SERVICES
