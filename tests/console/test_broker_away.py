"""The broker goes away under the console: the page says the stream is paused and why, and it resumes from
the cursor when the broker returns — with the re-published events deduplicated on their CloudEvent id."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from playwright.async_api import async_playwright, expect

from sandbox_kernel.broker import EmbeddedBroker
from sandbox_kernel.settings import Settings
from sandbox_kernel.testing.browser import launch_chromium
from sandbox_kernel.testing.processes import ServiceProcess, free_port

pytestmark = pytest.mark.e2e
ADMIN = "sbx_admin_teste-do-console"
STARTED = "br.gov.sandbox.console.service.started"


def _page(console: ServiceProcess) -> dict:
    response = httpx.get(
        f"{console.url}/api/eventos",
        params={"limite": 1000},
        headers={"Authorization": f"Bearer {ADMIN}", "Accept": "application/json"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


def _until(predicate, console, timeout=40.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        page = _page(console)
        if predicate(page):
            return page
        assert time.monotonic() < deadline, page["estado"]
        time.sleep(0.3)


@pytest.fixture
def own_broker():
    port = free_port()
    brokers = [EmbeddedBroker("127.0.0.1", port)]
    brokers[0].start()
    yield port, brokers
    for broker in brokers:
        broker.stop()


async def test_the_page_says_paused_and_why_then_resumes_without_duplicates(own_broker, tmp_path):
    port, brokers = own_broker
    settings = Settings(
        data_dir=tmp_path / "data",
        kafka_bootstrap_servers=f"127.0.0.1:{port}",
        admin_token=ADMIN,
        console_port=free_port(),
        registry_port=free_port(),
    )
    console = ServiceProcess("console", settings, tmp_path / "console.log").start()
    try:
        _until(
            lambda p: p["estado"]["estado"] == "ao_vivo" and any(e["type"] == STARTED for e in p["eventos"]),
            console,
        )
        async with async_playwright() as pw:
            browser = await launch_chromium(pw)
            page = await browser.new_page(locale="pt-BR")
            await page.goto(f"{console.url}/entrar")
            await page.fill("#chave", ADMIN)
            await page.click("button[type=submit]")
            await page.wait_for_url(f"{console.url}/")
            estado = page.locator("#estado")
            await expect(estado).to_have_text("● Ao vivo", timeout=20000)

            brokers[0].stop()
            await expect(estado).to_contain_text("Transmissão pausada", timeout=20000)
            await expect(estado).to_contain_text("broker Kafka inacessível")
            assert _page(console)["estado"]["estado"] == "pausado"

            brokers.append(EmbeddedBroker("127.0.0.1", port))
            await brokers[
                -1
            ].astart()  # a new, empty incarnation: the console's relay re-publishes its outbox
            await expect(estado).to_have_text("● Ao vivo", timeout=40000)
            # no registry runs here: pages that need it say so, in Portuguese, with a 503
            response = await page.goto(f"{console.url}/turma")
            assert response.status == 503
            await expect(page.locator("[role=alert]")).to_contain_text("O registry não respondeu")
            await browser.close()
        await asyncio.sleep(3)  # the re-published service.started has been read again by now
        started = [e for e in _page(console)["eventos"] if e["type"] == STARTED]
        assert len(started) == 1
    finally:
        console.stop()
