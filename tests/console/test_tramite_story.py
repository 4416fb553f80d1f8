"""Two real trâmites, drawn live on the stories page as their situação steps: one accepted by a robot
(0→6) and one refused (→8, then ciência →9), with the milestones the trainer's grid counts."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import async_playwright, expect

from sandbox_kernel.testing.browser import launch_chromium
from tests.tramita.conftest import (  # noqa: F401 (fixtures)
    component,
    documento,
    processo_body,
    tramita,
    tramita_settings,
)

pytestmark = pytest.mark.e2e
HTML = b"<html><body>Despacho do console</body></html>"


async def _send(pen, tramita, robot: str, protocolo: str) -> int:  # noqa: F811
    body = processo_body(
        tramita.unit("PROT"),
        tramita.unit(robot),
        [documento(1, [component("d.html", HTML, "text/html")])],
        protocolo,
    )
    created = await pen.send(body)
    response = await pen.upload(created["ticketParaEnvioDeComponentesDigitais"], protocolo, HTML)
    assert response.status_code == 200, response.text
    return created["IDT"]


async def test_tramites_are_drawn_as_their_situacao_steps(tramita, sandbox_process, sandbox_settings):  # noqa: F811
    console = sandbox_process("console")
    seed = json.loads((sandbox_settings.data_dir / "seed.json").read_text())
    key = seed["ente"]["api_key"]
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        page = await browser.new_page(locale="pt-BR", viewport={"width": 1280, "height": 900})
        await page.goto(f"{console.url}/entrar")
        await page.fill("#chave", key)
        await page.click("button[type=submit]")
        await page.wait_for_url(f"{console.url}/")
        await page.goto(f"{console.url}/historias?servico=tramita")
        await expect(page.locator("#estado")).to_have_text("● Ao vivo", timeout=20000)

        async with tramita.client(tramita.seed) as pen:
            accepted = await _send(pen, tramita, "RBACE", "99990.000101/2026-11")
            refused = await _send(pen, tramita, "RBREC", "99990.000102/2026-22")
            await pen.wait_situacao(accepted, 5)
            assert (await pen.get(f"/tramites/{accepted}/recibo")).status_code == 200
            await pen.wait_situacao(refused, 8)
            assert (await pen.get(f"/tramites/{refused}/ciencia")).status_code == 200

        done = page.locator(f".historia[data-chave='tramita|{accepted}']")
        await expect(done.locator(".passo.atual")).to_have_text("6", timeout=30000)
        assert await done.locator(".passo").all_inner_texts() == [str(c) for c in range(7)]
        await expect(done.locator("ol")).to_contain_text("recibo de conclusão recebido pelo remetente")

        bent = page.locator(f".historia[data-chave='tramita|{refused}']")
        await expect(bent.locator(".passo.atual")).to_have_text("9", timeout=30000)
        codes = await bent.locator(".passo").all_inner_texts()
        assert codes[-2:] == ["8", "9"] and "6" not in codes
        await expect(bent.locator("ol")).to_contain_text("o destinatário recusou o trâmite")

        # the page drawn from the read model (a reload) shows the same steps
        await page.reload()
        await expect(page.locator(f".historia[data-chave='tramita|{accepted}'] .passo.atual")).to_have_text(
            "6"
        )
        await browser.close()
