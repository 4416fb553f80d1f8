"""``govbr-sandbox readiness``: the report for an ente, as a table, JSON (stable schema) or JUnit XML."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated

import httpx
import typer
from aiokafka.errors import KafkaConnectionError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import broker_unreachable
from ..info import sandbox_info
from ..settings import Settings, load_settings
from .catalogue import PLATFORMS, rules
from .judge import build_report
from .junit import junit_xml
from .model import Outcome, Report
from .source import ente_events

readiness_app = typer.Typer(
    help="Prontidão para homologação: regra por regra, com evidências, a partir dos eventos do ente.",
    no_args_is_help=True,
)
console = Console()
err = Console(stderr=True)
ROBOT_SYSTEM_NAME = "Robôs do sandbox"  # the Tramita robots' system: its actions are not the ente's
STYLE = {
    Outcome.PASSA: "green",
    Outcome.FALHA: "red",
    Outcome.NAO_AVALIADA: "dim",
    Outcome.AUTOAVALIACAO: "yellow",
}
LABEL = {
    Outcome.PASSA: "passa",
    Outcome.FALHA: "FALHA",
    Outcome.NAO_AVALIADA: "não avaliada",
    Outcome.AUTOAVALIACAO: "autoavaliação",
}


def _registry_get(settings: Settings, path: str) -> httpx.Response | None:
    """GET on the local registry with the admin token; None when it cannot be asked (no token, not running)."""
    info = sandbox_info(settings)
    token = info["registry"].get("admin_token")
    if not token:
        return None
    try:
        return httpx.get(
            f"{info['registry']['api']}{path}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10.0,
            verify=False,  # noqa: S501 - the local registry; only an ente and its system ids are read
        )
    except httpx.HTTPError:
        return None


def own_systems(settings: Settings, ente: str) -> frozenset[str] | None:
    """The ente's Tramita systems, robots excluded; None if the registry cannot say."""
    response = _registry_get(settings, f"/entes/{ente}/systems")
    if response is None or response.status_code != 200:
        return None
    return frozenset(s["id"] for s in response.json() if s.get("nome") != ROBOT_SYSTEM_NAME)


def unknown_ente(settings: Settings, ente: str) -> str | None:
    """The registry's word when it says the ente does not exist (a typo would judge nothing: every rule
    'não avaliada'); None when it exists or the registry cannot be asked (the events alone are judged)."""
    response = _registry_get(settings, f"/entes/{ente}")
    if response is None or response.status_code != 404:
        return None
    try:
        return str(response.json().get("mensagem") or f"Ente {ente} não encontrado.")
    except ValueError:
        return f"Ente {ente} não encontrado."


def make_report(settings: Settings, ente: str, platform: str | None = None) -> Report:
    try:
        events = asyncio.run(ente_events(settings.bootstrap_servers, settings.topic_namespace, ente))
    except KafkaConnectionError:
        raise broker_unreachable(settings.bootstrap_servers, settings.embedded_broker) from None
    return build_report(ente, list(rules(platform)), events, own_systems=own_systems(settings, ente))


@readiness_app.command("report")
def report_command(
    ente: Annotated[str, typer.Option("--ente", help="Código IBGE do ente.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON no esquema de `readiness schema`.")] = False,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="Também grava JUnit XML neste arquivo.")
    ] = None,
    platform: Annotated[
        str | None, typer.Option("--plataforma", help=f"Só uma: {', '.join(PLATFORMS)}.")
    ] = None,
) -> None:
    """Julga as regras com os eventos do ente; sai com código 1 se uma regra automática que bloqueia falhou."""
    if platform and platform not in PLATFORMS:
        console.print(f"[red]plataforma desconhecida[/]: {platform!r} (use {', '.join(PLATFORMS)})")
        raise typer.Exit(2)
    settings = load_settings()
    missing = unknown_ente(settings, ente)
    if missing:
        err.print(f"[bold red]erro 404:[/] {missing}", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    report = make_report(settings, ente, platform)
    if junit:
        junit.write_bytes(junit_xml(report))
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        print_report(report)
    raise typer.Exit(1 if report.resumo.bloqueios else 0)


@readiness_app.command("rules")
def rules_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Lista o catálogo de regras (id, referência, tipo de veredito, severidade)."""
    catalogue = rules()
    if as_json:
        sys.stdout.write(
            json.dumps([r.model_dump(mode="json") for r in catalogue], ensure_ascii=False, indent=2)
        )
        return
    table = Table("regra", "título", "referência", "veredito", "severidade")
    for r in catalogue:
        table.add_row(r.id, r.titulo, r.referencia, r.veredito.value, r.severidade.value)
    console.print(table)


@readiness_app.command("schema")
def schema_command() -> None:
    """O JSON Schema do relatório (`report --json`)."""
    sys.stdout.write(json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


def print_report(report: Report) -> None:
    verdict = (
        "[green]pronto para pedir homologação[/]" if report.pronto_para_homologacao else "[red]ainda não[/]"
    )
    console.print(
        f"[bold]Prontidão do ente {report.ente}[/]: {verdict} ({report.eventos_lidos} eventos lidos)"
    )
    table = Table("regra", "resultado", "título", "referência")
    for f in report.achados:
        table.add_row(f.regra, Text(LABEL[f.resultado], style=STYLE[f.resultado]), f.titulo, f.referencia)
    console.print(table)
    for f in report.achados:
        if f.resultado is not Outcome.FALHA:
            continue
        console.print(f"\n[bold red]{f.regra}[/] {f.titulo} — {f.explicacao}", highlight=False)
        console.print(f"  como corrigir: {f.correcao}", highlight=False)
        for e in f.evidencias:
            console.print(f"  evidência: {e.time} {e.type} id={e.id} {e.detalhe}", highlight=False)
    s = report.resumo
    console.print(
        f"\n{s.passa} passam · {s.falha} falham · {s.nao_avaliada} não avaliadas · {s.autoavaliacao} autoavaliação"
        + (f" · bloqueiam: {', '.join(s.bloqueios)}" if s.bloqueios else "")
    )


@readiness_app.command("login")
def login_command(
    client_id: Annotated[str, typer.Option("--client", help="client_id do serviço a ensaiar.")],
    start_url: Annotated[
        str, typer.Option("--start-url", help="URL do seu serviço que inicia o login gov.br.")
    ],
    persona: Annotated[str, typer.Option("--persona", help="CPF da persona que entra.")] = "99900000188",
    cases: Annotated[list[str] | None, typer.Option("--caso", help="Só estes casos (repita).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Ensaio ativo: o sandbox vira um provedor gov.br defeituoso e vê se o seu serviço recusa cada id_token
    adulterado. Sai com código 1 se um caso que bloqueia falhou, 2 se o serviço não pôde ser conduzido."""
    from .active import CASES, CannotDrive

    unknown = [c for c in cases or [] if c not in CASES]
    if unknown:
        console.print(f"[red]caso desconhecido[/]: {', '.join(unknown)} (casos: {', '.join(CASES)})")
        raise typer.Exit(2)
    settings = load_settings()
    try:
        report = asyncio.run(_active_report(settings, client_id, start_url, persona, cases, quiet=as_json))
    except CannotDrive as exc:
        console.print(
            f"[bold red]não foi possível conduzir o serviço[/]: {exc}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        print_report(report)
    raise typer.Exit(1 if report.resumo.bloqueios else 0)


async def _active_report(settings, client_id, start_url, persona, cases, quiet: bool) -> Report:
    from ..services import local_verify, resolve_service
    from .active import Browser, CannotDrive, LoginService, conformance_run, loopback_only

    info = sandbox_info(settings)
    admin = {"Authorization": f"Bearer {info['registry']['admin_token']}"}
    async with httpx.AsyncClient(base_url=info["registry"]["api"], headers=admin, timeout=15.0) as registry:
        found = await registry.get(f"/clients/{client_id}")
        if found.status_code != 200:
            raise CannotDrive(f"cliente {client_id!r} não encontrado no registry (HTTP {found.status_code})")
        client = found.json()
        ente = client["ente"]
        loopback_only(client.get("redirect_uris") or [])

        async def arm(effect: str) -> str:
            spec = {
                "service": "login",
                "effect": effect,
                "client_id": client_id,
                "count": 1,
                "expires_in": "5m",
                "description": f"readiness login: {effect}",
            }
            created = await registry.post(f"/entes/{ente}/faults", json=spec)
            created.raise_for_status()
            rule_id = created.json()["id"]
            await login.sees(rule_id)
            return rule_id

        async def disarm(rule_id: str) -> None:
            await registry.delete(f"/entes/{ente}/faults/{rule_id}")

        async def events_of() -> list[dict]:
            return await ente_events(settings.bootstrap_servers, settings.topic_namespace, ente)

        def progress(case: str, finding) -> None:
            if not quiet:
                style = STYLE[finding.resultado]
                console.print(f"  {case:<22} [{style}]{LABEL[finding.resultado]}[/]  {finding.explicacao}")

        browser = Browser(settings.login_issuer_url, persona, local_verify(settings))
        login = LoginService(resolve_service("login").url(settings), local_verify(settings))
        try:
            if not quiet:
                console.print(f"Ensaio ativo de {client_id} (ente {ente}) a partir de {start_url}:")
            findings = await conformance_run(
                client_id, start_url, browser, events_of, arm, disarm, login.published, cases, progress
            )
        finally:
            await browser.close()
            await login.close()
    events = await events_of()
    return build_report(ente, list(rules("login")), events, extra=findings, own_systems=None)
