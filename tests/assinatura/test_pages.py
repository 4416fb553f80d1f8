"""The CAS pages in headless Chromium (Debian's chromium, driven by Playwright), with the registry, login_mock
and the assinatura service served over real HTTP: login at gov.br (login_mock, as the real CAS delegates), consent
with a wrong code then 12345, the bronze refusal, and the code the municipal app receives working at
/oauth2.0/token. A user already logged in at gov.br is not asked again."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from sandbox_kernel.testing.browser import callback_app

from .conftest import ANA, DEV_LOCAL, MARIA

pytestmark = pytest.mark.e2e


@pytest.fixture
def municipal_app():
    with callback_app() as url:
        yield url


@pytest.fixture
async def site(sandbox_server, sandbox_settings, sandbox_browser, municipal_app):
    sandbox_server("registry")
    sandbox_server("login")
    cas = sandbox_server("assinatura")
    secret = json.loads((sandbox_settings.data_dir / "seed.json").read_text())["assinatura_client"][
        "client_secret"
    ]
    page = await sandbox_browser.new_page()
    return {"page": page, "cas": cas, "secret": secret, "app": municipal_app}


async def _authorize(site, state: str) -> None:
    params = {
        "response_type": "code",
        "client_id": DEV_LOCAL,
        "scope": "sign govbr",
        "redirect_uri": site["app"],
        "state": state,
        "nonce": "n",
    }
    await site["page"].goto(f"{site['cas'].url}/oauth2.0/authorize?{urlencode(params)}")


async def _govbr_login(page, cpf: str) -> None:
    """The gov.br (login_mock) login page and its data consent, as the user sees them."""
    await page.wait_for_url("**/login?**")
    await page.click(f"button[data-cpf='{cpf}']")
    await page.wait_for_url("**/consent?**")
    if "/oauth2.0/consent" not in page.url:  # gov.br's own consent, the first time only
        await page.click("button[value=autorizar]")


async def test_persona_consent_wrong_code_then_12345(site, tmp_path):
    page = site["page"]
    await _authorize(site, "st-browser")
    await _govbr_login(page, MARIA)
    await page.wait_for_url("**/oauth2.0/consent?**")
    assert await page.locator("text=Autorização de uso do certificado").count() == 1
    await page.screenshot(path=str(tmp_path / "consent.png"), full_page=True)
    await page.fill("#codigo", "11111")
    await page.click("button[value=autorizar]")
    assert await page.locator("[role=alert]", has_text="Código de autorização inválido").count() == 1
    await page.fill("#codigo", "12345")
    await page.click("button[value=autorizar]")
    await page.wait_for_url(site["app"] + "**")
    query = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert query["state"] == "st-browser"
    token = httpx.post(
        f"{site['cas'].url}/oauth2.0/token",
        data={
            "code": query["code"],
            "client_id": DEV_LOCAL,
            "client_secret": site["secret"],
            "grant_type": "authorization_code",
            "redirect_uri": site["app"],
        },
    )
    assert token.status_code == 200 and token.json()["token_type"] == "bearer"

    # Already logged in at gov.br: the second authorization goes straight to the CAS consent page.
    await _authorize(site, "st-again")
    await page.wait_for_url("**/oauth2.0/consent?**")
    assert await page.locator("#codigo").count() == 1


async def test_bronze_account_sees_the_manual_message(site):
    page = site["page"]
    await _authorize(site, "st-bronze")
    await _govbr_login(page, ANA)
    await page.wait_for_url("**/oauth2.0/consent?**")
    assert await page.locator("text=Cidadão não possui a identidade (Prata ou Ouro)").count() == 1
    assert await page.locator("a[href='https://confiabilidades.acesso.gov.br/']").count() == 1
    assert await page.locator("#codigo").count() == 0
