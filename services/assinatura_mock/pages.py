"""The HTML pages of the CAS side and the sandbox extras, in Portuguese: Jinja templates under ``templates/``
on the kernel's gov.br layout, rendered by the kernel's one page renderer (autoescaped)."""

from __future__ import annotations

from pathlib import Path

from sandbox_kernel.pages import PageRenderer

from .domain.oauth import UPGRADE_URL

PAGES = PageRenderer(Path(__file__).parent / "templates")


def _message(title: str, message: str, *, heading: str | None = None, sandbox: str | None = None) -> str:
    return PAGES.render(
        "mensagem.html", title=title, heading=heading or title, message=message, sandbox=sandbox
    )


def unauthorized(detail: str) -> str:
    return _message(
        "Acesso não autorizado",
        "Acesso não autorizado.",
        heading="Unauthorized/Acesso não Autorizado",
        sandbox=detail,
    )


def bad_request(detail: str) -> str:
    return _message("Requisição inválida", detail)


def expired() -> str:
    return _message(
        "Sessão expirada",
        "Este pedido de autorização não existe mais ou expirou. Volte ao sistema e comece de novo.",
    )


def persona_picker(authorization_id: str, client_name: str, personas: list[dict], hint: str | None) -> str:
    return PAGES.render(
        "personas.html",
        authorization_id=authorization_id,
        client_name=client_name,
        personas=personas,
        hint=hint,
    )


def consent(
    authorization_id: str,
    client_name: str,
    persona: dict,
    *,
    error: str | None,
    certificate_choice: str,
    hint_code: str,
) -> str:
    return PAGES.render(
        "consent.html",
        authorization_id=authorization_id,
        client_name=client_name,
        nome=persona["nome"],
        error=error,
        certificate_choice=certificate_choice,
        hint_code=hint_code,
    )


def bronze(message: str) -> str:
    return PAGES.render("bronze.html", message=message, upgrade_url=UPGRADE_URL)


def dpc() -> str:
    return PAGES.render("dpc.html")


def verify_form() -> str:
    return PAGES.render("verificar.html")


def verify_report(report: dict) -> str:
    return PAGES.render("relatorio.html", report=report)
