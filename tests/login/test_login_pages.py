"""The real pages in headless Chromium (Debian's chromium, driven by Playwright): one-click personas,
CPF and password, consent and Cancelar, blocked accounts, and the session that spares a second login."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from sandbox_kernel.secrets import admin_token
from sandbox_kernel.testing.browser import callback_app

from .conftest import OURO, authorize_params, pkce

pytestmark = pytest.mark.e2e


@pytest.fixture
def municipal_app():
    with callback_app() as url:
        yield url


@pytest.fixture
async def site(sandbox_server, sandbox_settings, sandbox_browser, municipal_app):
    registry = sandbox_server("registry")
    login = sandbox_server("login")
    token, _ = admin_token(sandbox_settings)
    with httpx.Client(
        base_url=f"{registry.url}/sandbox/registry", headers={"Authorization": f"Bearer {token}"}
    ) as api:
        client = api.post(
            "/entes/3550308/login-clients",
            json={"nome": "Portal da Prefeitura", "redirect_uris": [municipal_app]},
        ).json()
        personas = api.get("/personas").json()
    page = await sandbox_browser.new_page()
    return {"page": page, "login": login, "client": client, "personas": personas, "app": municipal_app}


async def _start(site, **extra) -> tuple[dict, str]:
    verifier, challenge = pkce()
    params = authorize_params(
        site["client"]["client_id"], challenge, **{"redirect_uri": site["app"], **extra}
    )
    await site["page"].goto(f"{site['login'].url}/authorize?{urlencode(params)}")
    return params, verifier


def _callback(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


async def test_one_click_persona_then_consent_gives_a_working_code(site, tmp_path):
    page = site["page"]
    params, verifier = await _start(site)
    assert "/login?" in page.url and "authorization_id=" in page.url
    await page.screenshot(path=str(tmp_path / "login.png"), full_page=True)
    await page.click(f"button[data-cpf='{OURO}']")
    await page.wait_for_url("**/consent?**")
    assert await page.locator("text=Autorização de uso de dados pessoais").count() == 1
    assert await page.locator("li", has_text="Endereço de e-mail").count() == 1
    await page.screenshot(path=str(tmp_path / "consent.png"), full_page=True)
    await page.click("button[value=autorizar]")
    await page.wait_for_url(site["app"] + "**")
    callback = _callback(page)
    assert callback["state"] == params["state"]
    client = site["client"]
    token = httpx.post(
        f"{site['login'].url}/token",
        data={
            "grant_type": "authorization_code",
            "code": callback["code"],
            "redirect_uri": site["app"],
            "code_verifier": verifier,
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        },
    )
    assert token.status_code == 200, token.text

    # same browser, second login: the gov.br session and the remembered consent skip both pages
    params2, _ = await _start(site)
    await page.wait_for_url(site["app"] + "**")
    assert _callback(page)["state"] == params2["state"] and "code" in _callback(page)


async def test_cancelar_returns_access_denied_with_state(site):
    page = site["page"]
    params, _ = await _start(site)
    await page.click(f"button[data-cpf='{OURO}']")
    await page.wait_for_url("**/consent?**")
    await page.click("button[value=cancelar]")
    await page.wait_for_url(site["app"] + "**")
    assert _callback(page).items() >= {"error": "access_denied", "state": params["state"]}.items()


async def test_cpf_and_password_with_a_wrong_password_shows_an_error(site):
    page = site["page"]
    await _start(site)
    await page.fill("#cpf", "999.000.001-88")
    await page.fill("#senha", "errada")
    await page.click("#form-senha button[type=submit]")
    await page.wait_for_selector("[role=alert]")
    assert "CPF ou senha inválidos" in await page.inner_text("[role=alert]")
    await page.fill("#cpf", "999.000.001-88")
    await page.fill("#senha", "Senha@123")
    await page.click("#form-senha button[type=submit]")
    await page.wait_for_url("**/consent?**")


async def test_blocked_persona_gets_an_error_page(site):
    page = site["page"]
    blocked = next(p for p in site["personas"] if p["bloqueada"])
    await _start(site)
    await page.click(f"button[data-cpf='{blocked['cpf']}']")
    await page.wait_for_selector("h1")
    assert await page.inner_text("h1") == "Conta bloqueada"


async def test_unregistered_redirect_shows_the_error_page_in_portuguese(site):
    page = site["page"]
    await _start(site, redirect_uri="https://evil.example/cb")
    assert "A redirect_uri não está cadastrada" in await page.inner_text("[role=alert]")
