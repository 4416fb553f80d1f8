"""The readiness report in the console, in headless Chromium: a trainee sees its own ente's verdicts (rules
judged from what it did), the trainer can open any trainee's, and a key never opens another ente's report."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import expect

from .conftest import headless_login, headless_signature
from .test_pages import _signed_in, browser  # noqa: F401 - the same browser fixture and sign-in

pytestmark = pytest.mark.e2e


async def test_trainee_and_trainer_see_the_readiness_report(browser, stack):  # noqa: F811
    a, b = stack.trainees
    page = await _signed_in(browser, stack, a.api_key)
    await page.goto(f"{stack.console.url}/prontidao")
    await expect(page.locator("h1")).to_contain_text(a.ibge)
    await expect(page.locator("#regra-LOGIN-01 td.resultado")).to_have_text("não avaliada")

    await asyncio.to_thread(headless_login, stack, a)
    await asyncio.to_thread(headless_signature, stack, a)
    for _ in range(40):  # the console ingests within a second
        await page.goto(f"{stack.console.url}/prontidao")
        if await page.locator("#regra-ASSIN-05 td.resultado").inner_text() == "passa":
            break
        await page.wait_for_timeout(500)
    await expect(page.locator("#regra-LOGIN-01 td.resultado")).to_have_text("passa")
    await expect(page.locator("#regra-LOGIN-03 td.resultado")).to_have_text("passa")
    await expect(page.locator("#regra-ASSIN-05 td.resultado")).to_have_text("passa")
    await expect(page.locator("#regra-TRAM-01 td.resultado")).to_have_text("não avaliada")
    await expect(page.locator("#plataformas [data-plataforma=tramita]")).to_have_text(
        "tramita: sem atividade"
    )
    await expect(page.locator("#plataformas [data-plataforma=login]")).to_have_text("login: pronta")
    failing = await page.locator("tr.achado.falha").all_inner_texts()
    assert "Pronto para pedir" in await page.locator("#veredito").inner_text(), failing

    # B's key asking for A's report gets B's own
    other = await _signed_in(browser, stack, b.api_key)
    await other.goto(f"{stack.console.url}/prontidao?ente={a.ibge}")
    await expect(other.locator("h1")).to_contain_text(b.ibge)
    assert a.login_client not in await other.content()

    trainer = await _signed_in(browser, stack, stack.admin)
    await trainer.goto(f"{stack.console.url}/prontidao?ente={a.ibge}")
    await expect(trainer.locator("h1")).to_contain_text(a.ibge)
    await expect(trainer.locator("#regra-ASSIN-05 td.resultado")).to_have_text("passa")
