"""The console pages in headless Chromium against real services: sign-in, live stories and timeline,
refusals explained, isolation between trainees, and the trainer's grid turning green."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from sandbox_kernel.testing.browser import launch_chromium

from .conftest import headless_login, headless_signature

pytestmark = pytest.mark.e2e
# Set to a folder (e.g. docs) to refresh the README screenshots.
SHOTS = os.environ.get("SANDBOX_CONSOLE_SCREENSHOTS")


@pytest.fixture
async def browser():
    async with async_playwright() as pw:
        chromium = await launch_chromium(pw)
        yield chromium
        await chromium.close()


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
