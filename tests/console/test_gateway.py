"""GET /api/eventos against real services: an ente key reads its own events only, filters, cursors, SSE."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from .conftest import MARIA, headless_login

pytestmark = pytest.mark.e2e
JSON = {"Accept": "application/json"}


def _page(stack, key: str, **params) -> dict:
    with stack.gateway(key) as gw:
        response = gw.get("/api/eventos", params=params, headers=JSON)
    assert response.status_code == 200, response.text
    return response.json()


def _wait_for(stack, key: str, predicate, timeout: float = 30.0, **params) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        events = _page(stack, key, limite=1000, **params)["eventos"]
        found = [e for e in events if predicate(e)]
        if found:
            return found
        assert time.monotonic() < deadline, (
            f"not seen in {timeout}s; types: {sorted({e['type'] for e in events})}"
        )
        time.sleep(0.3)


def _sse(stack, key: str, seconds: float, **params) -> list[tuple[str | None, str, dict]]:
    """Read the stream for a while: (event name, id, data) of each message."""
    messages, current = [], {}
    deadline = time.monotonic() + seconds
    with stack.gateway(key) as gw, gw.stream("GET", "/api/eventos", params=params) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith(("event:", "id:", "data:")):
                field, _, value = line.partition(":")
                current[field] = value.strip()
            elif line == "" and "data" in current:
                messages.append((current.get("event"), current.get("id"), json.loads(current["data"])))
                current = {}
            if time.monotonic() > deadline:
                break
    return messages


def test_an_ente_key_reads_its_own_events_and_never_another_entes(stack):
    a, b = stack.trainees
    headless_login(stack, a)
    issued = _wait_for(stack, a.api_key, lambda e: e["type"] == "br.gov.sandbox.login.token.issued")
    assert issued[0]["data"]["client_id"] == a.login_client and issued[0]["ente"] == a.ibge

    # B's key: none of A's events, through the JSON page or the stream, whatever it asks for
    mine = _page(stack, b.api_key, limite=1000)["eventos"]
    assert mine and all(e["ente"] == b.ibge for e in mine)
    assert not _page(stack, b.api_key, historia=issued[0]["partitionkey"])["eventos"]
    streamed = _sse(stack, b.api_key, 3.0, desde="0")
    data = [m[2] for m in streamed if m[0] is None]
    assert data and all(e["ente"] == b.ibge for e in data)
    assert not {e["id"] for e in data} & {e["id"] for e in _page(stack, a.api_key, limite=1000)["eventos"]}

    # the admin token reads both entes
    both = {e.get("ente") for e in _page(stack, stack.admin, limite=1000)["eventos"]}
    assert {a.ibge, b.ibge} <= both


def test_filters_and_cursor_resume_without_gaps(stack):
    a = stack.trainees[0]
    start = _page(stack, a.api_key, desde="fim")["cursor"]
    headless_login(stack, a)
    _wait_for(stack, a.api_key, lambda e: e["type"].endswith("userinfo.served"), desde=str(start))
    issued = _page(stack, a.api_key, desde=str(start), tipo="login.token.issued")["eventos"]
    story = issued[0]["partitionkey"]
    # the whole login story after the cursor, in order, and only it when filtered by its key
    page = _page(stack, a.api_key, desde=str(start), historia=story)
    types = [e["type"].rsplit(".", 2)[-2] + "." + e["type"].rsplit(".", 1)[-1] for e in page["eventos"]]
    # one key per login story: the token and the userinfo it served belong to the same story, in order
    assert types[0] == "authorize.requested" and types[-1] == "userinfo.served"
    assert types.index("token.issued") < types.index("userinfo.served")
    assert {e["partitionkey"] for e in page["eventos"]} == {story}
    assert all(e["data"].get("cpf") in (None, MARIA) for e in page["eventos"])
    assert _page(stack, a.api_key, desde=str(start), tipo="login.token")["eventos"][0]["type"].endswith(
        "token.issued"
    )
    assert _page(stack, a.api_key, desde=str(start), cpf=MARIA, servico="login")["eventos"]
    assert not _page(stack, a.api_key, desde=str(start), servico="tramita")["eventos"]
    # resuming from the page's cursor gives nothing twice; the SSE id is that same cursor
    assert not _page(stack, a.api_key, desde=str(page["cursor"]), historia=story)["eventos"]
    streamed = _sse(stack, a.api_key, 2.0, desde=str(start), historia=story)
    ids = [int(m[1]) for m in streamed if m[0] is None]
    assert ids == sorted(ids) and len(ids) == len(page["eventos"])


def test_wrong_unknown_and_revoked_keys_get_the_same_answer(stack):
    b = stack.trainees[1]
    with stack.api(b.api_key) as api:
        new_key = api.post(f"/entes/{b.ibge}/api-key").json()["api_key"]
    answers = []
    for key in (b.api_key, f"sbx_{b.ibge}_naoexiste", "qualquer-coisa"):
        with stack.gateway(key) as gw:
            response = gw.get("/api/eventos", headers=JSON)
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 401 and answers[0][1]["erro"] == "nao_autenticado"
    b.api_key = new_key  # the stack's trainee keeps working for the next tests
    assert _page(stack, new_key)["eventos"] is not None
    with httpx.Client() as anon:
        assert anon.get(f"{stack.console.url}/api/eventos", headers=JSON).status_code == 401
    with stack.gateway(new_key) as gw:
        bad = gw.get("/api/eventos", params={"servico": "nada"}, headers=JSON)
    assert bad.status_code == 400 and bad.json()["campo"] == "servico"
