"""GET /api/eventos against real services: an ente key reads its own events only, filters, cursors, SSE."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def _stream(stack, key: str, **params) -> Iterator[Iterator[tuple[str | None, str, dict]]]:
    """The open stream's messages, as they come: (event name, id, data). It never ends by itself, so a read
    that must show something is absent stops at a sentinel event made after it, not at a timeout (a quiet
    stream sends only a keep-alive every 15 s)."""
    with stack.gateway(key) as gw, gw.stream("GET", "/api/eventos", params=params) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        yield _messages(response)


def _messages(response: httpx.Response) -> Iterator[tuple[str | None, str, dict]]:
    current: dict[str, str] = {}
    for line in response.iter_lines():
        if line.startswith(("event:", "id:", "data:")):
            field, _, value = line.partition(":")
            current[field] = value.strip()
        elif line == "" and "data" in current:
            yield current.get("event"), current["id"], json.loads(current["data"])
            current = {}


def _sse(stack, key: str, until: str, **params) -> list[tuple[str | None, str, dict]]:
    """The stream's messages up to the event whose id is ``until``."""
    messages = []
    with _stream(stack, key, **params) as stream:
        for message in stream:
            messages.append(message)
            if message[0] is None and message[2]["id"] == until:
                return messages
    raise AssertionError(f"the stream ended before {until}; got {messages}")


def test_an_ente_key_reads_its_own_events_and_never_another_entes(stack):
    a, b = stack.trainees
    headless_login(stack, a)
    issued = _wait_for(stack, a.api_key, lambda e: e["type"] == "br.gov.sandbox.login.token.issued")
    assert issued[0]["data"]["client_id"] == a.login_client and issued[0]["ente"] == a.ibge

    # B's key: none of A's events, through the JSON page or the stream, whatever it asks for
    mine = _page(stack, b.api_key, limite=1000)["eventos"]
    assert mine and all(e["ente"] == b.ibge for e in mine)
    assert not _page(stack, b.api_key, historia=issued[0]["partitionkey"])["eventos"]
    # B's stream from the start, read up to a B event that the console took in after all of A's: had any of
    # A's events leaked into B's scope, the stream (in cursor order) would have carried it before that one
    _wait_for(stack, a.api_key, lambda e: e["type"].endswith("userinfo.served"))  # A's story's last event
    before = _page(stack, b.api_key, desde="fim")["cursor"]
    headless_login(stack, b)
    sentinel = _wait_for(
        stack, b.api_key, lambda e: e["type"].endswith("userinfo.served"), desde=str(before)
    )[0]
    streamed = _sse(stack, b.api_key, sentinel["id"], desde="0")
    data = [m[2] for m in streamed if m[0] is None]
    assert data and all(e["ente"] == b.ibge for e in data)
    assert not {e["id"] for e in data} & {e["id"] for e in _page(stack, a.api_key, limite=1000)["eventos"]}

    # the admin token reads both entes
    both = {e.get("ente") for e in _page(stack, stack.admin, limite=1000)["eventos"]}
    assert {a.ibge, b.ibge} <= both


def test_filters_and_cursor_resume_without_gaps(stack):
    a = stack.trainees[0]
    start = _page(stack, a.api_key, desde="fim")["cursor"]
    userinfo = headless_login(stack, a)
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
    # the stream from the same cursor: the page's events in order and nothing twice — checked up to the
    # story's next event, made once the backlog is read (the app reads userinfo again with the same token)
    with _stream(stack, a.api_key, desde=str(start), historia=story) as stream:
        data = (m for m in stream if m[0] is None)
        backlog = [next(data) for _ in page["eventos"]]
        with httpx.Client(timeout=30) as http:
            again = http.get(
                f"{stack.login.url}/userinfo/",
                headers={"Authorization": userinfo.request.headers["authorization"]},
            )
        assert again.status_code == 200, again.text
        following = next(data)
    assert [m[2]["id"] for m in backlog] == [e["id"] for e in page["eventos"]]
    ids = [int(m[1]) for m in [*backlog, following]]
    assert ids == sorted(set(ids)) and int(backlog[-1][1]) <= page["cursor"] < ids[-1]
    assert following[2]["type"].endswith("userinfo.served") and following[2]["partitionkey"] == story


def test_wrong_unknown_and_revoked_keys_get_the_same_answer(stack):
    b = stack.trainees[1]
    # Rotated twice: the middle key is a revoked one the console never saw. (A key it has accepted keeps
    # working for SANDBOX_CONSOLE_KEY_CACHE_SECONDS, as documented; the earlier tests used b.api_key.)
    with stack.api(b.api_key) as api:
        revoked = api.post(f"/entes/{b.ibge}/api-key").json()["api_key"]
    with stack.api(revoked) as api:
        new_key = api.post(f"/entes/{b.ibge}/api-key").json()["api_key"]
    answers = []
    for key in (revoked, f"sbx_{b.ibge}_naoexiste", "qualquer-coisa"):
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
