"""One login session, one story: with three partitions every event of a headless login (authorize →
token → userinfo → confiabilidades → logout) has the key ``<client_id>/<session>``, lands on one partition
and arrives in causal order, read from the real broker."""

from __future__ import annotations

import pytest

from .conftest import LOGOUT, OURO, headless_code

PREFIX = "br.gov.sandbox.login."
FLOW = [
    "authorize.requested",
    "user.authenticated",
    "consent.granted",
    "token.issued",
    "userinfo.served",
    "api.served",
    "logout.completed",
]


@pytest.fixture
def sandbox_settings(sandbox_settings):
    return sandbox_settings.model_copy(update={"topic_partitions": 3})


async def test_a_headless_login_is_one_key_one_partition_in_order(stack, sandbox_events):
    client = await stack.register(auto_approve=True, scopes=["openid", "profile", "govbr_confiabilidades"])
    cid = client["client_id"]
    code, verifier, params = await headless_code(stack, cid, scope="openid profile govbr_confiabilidades")
    tokens = (
        await stack.login.post(
            "/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": params["redirect_uri"],
                "code_verifier": verifier,
            },
            auth=(cid, client["client_secret"]),
        )
    ).json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await stack.login.get("/userinfo", headers=bearer)).status_code == 200
    niveis = await stack.login.get(f"/confiabilidades/v3/contas/{OURO}/niveis", headers=bearer)
    assert niveis.status_code == 200
    # RP-initiated logout as openid-client sends it: id_token_hint and the registered URI, no cookie.
    logout = await stack.login.get(
        "/logout", params={"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": LOGOUT}
    )
    assert logout.status_code == 302 and logout.headers["location"] == LOGOUT

    done = await sandbox_events.wait_for(type=PREFIX + "logout.completed", match={"cpf": OURO}, timeout=30)
    story = [e for e in sandbox_events.received if e.key == done.key]
    assert done.key.startswith(cid + "/") and len(done.key) > len(cid) + 1
    assert [e.type.removeprefix(PREFIX) for e in story] == FLOW  # every step, in the order it happened
    mine = [
        e for e in sandbox_events.received if e.type.startswith(PREFIX) and e.data.get("client_id") == cid
    ]
    assert {e.key for e in mine} == {done.key}
    assert len({(e.topic, e.partition) for e in story}) == 1
    offsets = [e.offset for e in story]
    assert offsets == sorted(offsets)
