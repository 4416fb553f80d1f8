"""The console pages in headless Chromium against real services: sign-in, live stories and timeline,
refusals explained, isolation between trainees, and the trainer's grid turning green."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
from playwright.async_api import expect

from .conftest import headless_login, headless_signature

pytestmark = pytest.mark.e2e
# Set to a folder (e.g. docs) to refresh the README screenshots.
SHOTS = os.environ.get("SANDBOX_CONSOLE_SCREENSHOTS")


@pytest.fixture
async def browser(sandbox_chromium):
    async with sandbox_chromium.connect() as chromium:
        yield chromium


async def _signed_in(browser, stack, key: str):
    context = await browser.new_context(locale="pt-BR", viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(f"{stack.console.url}/")
    assert page.url.endswith("/entrar")
    await page.fill("#chave", key)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{stack.console.url}/")
    assert key not in page.url
    return page


async def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(SHOTS) / name), full_page=False)


async def test_a_trainee_watches_its_login_and_signature_stories_appear_live(browser, stack):
    a = stack.trainees[0]
    page = await _signed_in(browser, stack, a.api_key)
    await page.goto(f"{stack.console.url}/historias?servico=")
    await expect(page.locator("#estado")).to_have_text("● Ao vivo", timeout=20000)
    await asyncio.to_thread(headless_login, stack, a)
    await asyncio.to_thread(headless_signature, stack, a)
    login = page.locator(".historia.login", has_text="token emitido com client_secret_basic").first
    await expect(login).to_contain_text("entrou pelo app", timeout=20000)
    await expect(login).to_contain_text("(ouro)")
    signature = page.locator(".historia.assinatura", has_text="documento assinado").first
    await expect(signature).to_contain_text("PKCS#7", timeout=20000)
    await _shot(page, "console-historias.png")

    # the timeline shows the same events, newest on top, each expandable to its whole CloudEvent
    await page.goto(f"{stack.console.url}/?n=50")
    first = page.locator("#eventos > li").first
    await expect(first).to_be_visible(timeout=10000)
    await page.locator("#eventos li[data-tipo='login.token.issued'] summary").first.click()
    raw = page.locator("#eventos li[data-tipo='login.token.issued'] pre").first
    await expect(raw).to_contain_text('"specversion": "1.0"')
    await expect(raw).to_contain_text(a.login_client)
    await _shot(page, "console-linha-do-tempo.png")


async def test_a_refused_token_request_shows_its_explanation(browser, stack):
    a = stack.trainees[0]
    page = await _signed_in(browser, stack, a.api_key)
    await page.goto(f"{stack.console.url}/?servico=login")
    await expect(page.locator("#estado")).to_have_text("● Ao vivo", timeout=20000)
    response = await asyncio.to_thread(headless_login, stack, a, wrong_verifier=True)
    assert response.status_code == 400
    refusal = page.locator("#eventos li.recusa[data-tipo='login.token.rejected'] .recusa-box").first
    await expect(refusal).to_be_visible(timeout=20000)
    await expect(refusal).to_contain_text("Verificação")
    await expect(refusal).to_contain_text("O que mudar")
    assert "verifier" in (await refusal.inner_text()).lower()
    # the filter lives in the URL, so the view can be saved as a link
    await page.fill("#tipo", "login.token")
    await page.click("form.filtros button[type=submit]")
    await page.wait_for_url("**tipo=login.token**")
    await expect(page.locator("#eventos li.recusa").first).to_be_visible()


async def test_a_second_trainee_never_sees_the_first_ones_events(browser, stack):
    a, b = stack.trainees
    page = await _signed_in(browser, stack, b.api_key)
    await expect(page.locator("#quem")).to_contain_text(b.ibge)
    await expect(page.locator("#estado")).to_have_text("● Ao vivo", timeout=20000)
    await asyncio.to_thread(headless_login, stack, a)
    await page.wait_for_timeout(3000)  # A's events are live by now (A's own page shows them at once)
    html = await page.content()
    assert a.login_client not in html and a.ibge not in html
    await page.goto(f"{stack.console.url}/historias")
    assert a.login_client not in await page.content()
    # asking for A's ente page shows B's own: the key decides, not the URL
    await page.goto(f"{stack.console.url}/ente?ibge={a.ibge}")
    await expect(page.locator("h1")).to_contain_text(b.ibge)
    assert a.login_client not in await page.content()


async def test_the_trainer_grid_turns_a_milestone_green(browser, stack):
    b = stack.trainees[1]
    page = await _signed_in(browser, stack, stack.admin)
    await page.goto(f"{stack.console.url}/turma/{stack.lab}")
    cell = page.locator(f"td.marco[data-ente='{b.ibge}'][data-marco='assinatura']")
    await expect(cell).not_to_have_class("marco feito")
    await expect(page.locator("#estado")).to_have_text("● Ao vivo", timeout=20000)
    await asyncio.to_thread(headless_signature, stack, b)
    await expect(cell).to_have_class("marco feito", timeout=20000)
    await expect(cell).to_have_text("✓")
    handout = await page.request.get(f"{stack.console.url}/turma/{stack.lab}/material.csv")
    assert handout.status == 200 and b.sign_client in await handout.text()
    assert b.sign_secret not in await handout.text()


async def test_the_ente_page_shows_clients_regenerates_a_secret_once_and_serves_certificates(browser, stack):
    a = stack.trainees[0]
    page = await _signed_in(browser, stack, a.api_key)
    await page.goto(f"{stack.console.url}/ente")
    await expect(page.locator("h1")).to_contain_text(a.ibge)
    for value in (a.login_client, a.sign_client, f"govbr.{a.ibge}.login", "curl", "httpx.stream"):
        await expect(page.locator("main")).to_contain_text(value)
    html = await page.content()
    assert a.login_secret not in html and a.sign_secret not in html and a.api_key not in html

    await page.locator(f"table[data-client='{a.sign_client}'] form button").click()
    await page.wait_for_url("**/ente/segredo")
    secret = (await page.inner_text("#segredo")).strip()
    assert len(secret) > 20 and secret != a.sign_secret
    a.sign_secret = secret  # the old one no longer works; later tests use the new one
    await page.goto(f"{stack.console.url}/ente")
    assert secret not in await page.content()

    link = page.locator("a", has_text="baixar certificado").first
    certificate = await page.request.get(stack.console.url + await link.get_attribute("href"))
    assert certificate.status == 200 and (await certificate.text()).startswith("-----BEGIN CERTIFICATE-----")
    # a form posted without the session's CSRF token is refused
    forged = await page.request.post(
        f"{stack.console.url}/ente/segredo", form={"kind": "login", "client_id": a.login_client, "csrf": "x"}
    )
    assert forged.status == 400


async def test_rotating_the_key_ends_the_console_sessions_opened_with_it(browser, stack):
    b = stack.trainees[1]
    console = stack.console.url
    # Four sessions opened with b's key; the first stays on the timeline, its live stream open.
    streaming, paged, polled, posting = [await _signed_in(browser, stack, b.api_key) for _ in range(4)]
    await expect(streaming.locator("#estado")).to_have_text("● Ao vivo", timeout=20000)
    csrf = await posting.locator("form[action='/sair'] input[name=csrf]").get_attribute("value")
    assert (await polled.request.get(f"{console}/api/eventos", headers={"Accept": "application/json"})).ok

    def rotated_at() -> str | None:
        with stack.api() as api:
            return api.get(f"/entes/{b.ibge}/login-clients/{b.login_client}").json()["secret_rotated_at"]

    before = rotated_at()
    with stack.api(b.api_key) as api:
        rotated = api.post(f"/entes/{b.ibge}/api-key")
    assert rotated.status_code == 200, rotated.text
    old_key, b.api_key = b.api_key, rotated.json()["api_key"]  # later tests use the new key

    # A page sends the browser back to sign-in within a few seconds (the console caches the registry ~2 s).
    deadline = asyncio.get_running_loop().time() + 15
    while True:
        await paged.goto(f"{console}/ente")
        if paged.url.endswith("/entrar"):
            break
        assert asyncio.get_running_loop().time() < deadline, "the session outlived the rotated key"
        await asyncio.sleep(0.5)
    await expect(paged.locator("#chave")).to_be_visible()
    # The gateway answers 401 on another session of the old key, and no secret is minted with a third.
    refused = await polled.request.get(f"{console}/api/eventos", headers={"Accept": "application/json"})
    assert refused.status == 401 and (await refused.json())["erro"] == "nao_autenticado"
    minted = await posting.request.post(
        f"{console}/ente/segredo",
        form={"kind": "login", "client_id": b.login_client, "csrf": csrf or ""},
        max_redirects=0,
    )
    assert minted.status == 303 and minted.headers["location"] == "/entrar"
    assert rotated_at() == before
    # The open stream ends at its next re-check (every 30 s) and the page goes to sign-in.
    await streaming.wait_for_url(f"{console}/entrar", timeout=90000)
    # The new key signs in as usual; the old one no longer does.
    page = await _signed_in(browser, stack, b.api_key)
    await page.goto(f"{console}/ente")
    await expect(page.locator("h1")).to_contain_text(b.ibge)
    await page.context.clear_cookies()
    await page.goto(f"{console}/entrar")
    await page.fill("#chave", old_key)
    async with page.expect_response(f"{console}/entrar") as response:
        await page.click("button[type=submit]")
    assert (await response.value).status == 401


async def test_an_event_type_the_console_does_not_know_is_still_shown_raw(browser, stack):
    from aiokafka import AIOKafkaProducer

    a = stack.trainees[0]
    page = await _signed_in(browser, stack, a.api_key)
    await expect(page.locator("#estado")).to_have_text("● Ao vivo", timeout=20000)
    topic = f"{stack.settings.topic_namespace}.govbr.{a.ibge}.login"
    event = {
        "specversion": "1.0",
        "id": "evento-de-outro-sistema-1",
        "source": "/prefeitura/sistema-proprio",
        "type": "br.gov.prefeitura.protocolo.aberto",
        "time": "2026-12-03T20:00:00Z",
        "datacontenttype": "application/json",
        "data": {"protocolo": "2026/000123"},
    }
    producer = AIOKafkaProducer(bootstrap_servers=stack.settings.bootstrap_servers, enable_idempotence=False)
    await producer.start()
    try:
        await producer.send_and_wait(
            topic,
            json.dumps(event).encode(),
            headers=[("content-type", b"application/cloudevents+json")],
        )
        await producer.send_and_wait(topic, b"isto nao e um CloudEvent")
    finally:
        await producer.stop()
    raw = page.locator("#eventos li.desconhecido", has_text="br.gov.prefeitura.protocolo.aberto").first
    await expect(raw).to_be_visible(timeout=20000)
    await expect(raw).to_contain_text("tipo de evento desconhecido")
    await raw.locator("summary").click()
    await expect(raw.locator("pre")).to_contain_text("2026/000123")
    await expect(page.locator("#eventos li", has_text="isto nao e um CloudEvent").first).to_be_attached()


async def test_a_wrong_key_gets_the_same_answer_whether_unknown_or_malformed_and_keys_never_reach_logs(
    browser, stack
):
    a, b = stack.trainees
    context = await browser.new_context(locale="pt-BR")
    page = await context.new_page()
    answers = []
    for key in (f"sbx_{b.ibge}_chave-que-nao-existe", "qualquer-coisa"):
        await page.goto(f"{stack.console.url}/entrar")
        await page.fill("#chave", key)
        async with page.expect_response(f"{stack.console.url}/entrar") as response:
            await page.click("button[type=submit]")
        answers.append(((await response.value).status, await page.inner_text("[role=alert]")))
        assert key not in page.url
    assert answers[0] == answers[1] and answers[0][0] == 401 and "Chave inválida" in answers[0][1]
    log = (stack.console.log_path).read_text()
    assert a.api_key not in log and b.api_key not in log and stack.admin not in log
