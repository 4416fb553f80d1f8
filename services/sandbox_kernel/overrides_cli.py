"""``govbr-sandbox clock ...`` and ``govbr-sandbox faults ...``: an ente's virtual clock and fault rules.

Thin wrappers over the registry API (``/sandbox/registry/entes/{ibge}/clock`` and ``/faults``), like the
other registry commands: what the CLI does, any automation can do over HTTP.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from .clock import format_duration
from .registry_cli import _call, _print
from .settings import load_settings

clock_app = typer.Typer(
    help="Relógio virtual de um ente (só aquele ente vê o tempo andar).", no_args_is_help=True
)
faults_app = typer.Typer(
    help="Regras de falha de um ente (os dias ruins, sob demanda).", no_args_is_help=True
)
console = Console()

EnteOpt = Annotated[str, typer.Option("--ente", help="Código IBGE do ente.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Saída JSON.")]


def _with_unit(value: str, option: str) -> str:
    """A bare number would be seconds (``--by 8`` is 8 s, not 8 days): the CLI asks for the unit."""
    try:
        float(value.strip())
    except ValueError:
        return value
    console.print(
        f"[bold red]erro:[/] {option} {value}: informe a unidade: 8d, 12h, 90m, 30s ou P8DT2H",
        highlight=False,
    )
    raise typer.Exit(2)


def _show_clock(data: dict, as_json: bool) -> None:
    if as_json:
        _print(data, True)
        return
    console.print(
        f"ente [bold]{data['ente']}[/]: {data['now']} (adiantado {format_duration(data['offset_seconds'])})",
        highlight=False,
    )


@clock_app.command("show")
def clock_show(ente: EnteOpt, as_json: JsonOpt = False) -> None:
    """Mostra a hora virtual do ente e quanto ela está à frente da real."""
    _show_clock(_call(load_settings(), "GET", f"/entes/{ente}/clock"), as_json)


@clock_app.command("advance")
def clock_advance(
    ente: EnteOpt,
    by: Annotated[str, typer.Option("--by", help="Quanto avançar: 8d, 1d12h, 90m, 45s, P8DT2H.")],
    as_json: JsonOpt = False,
) -> None:
    """Avança o relógio do ente: codes e tokens expiram, trâmites parados vão a 10 — só nesse ente."""
    body = {"by": _with_unit(by, "--by")}
    _show_clock(_call(load_settings(), "POST", f"/entes/{ente}/clock/advance", json=body), as_json)


@clock_app.command("reset")
def clock_reset(ente: EnteOpt, as_json: JsonOpt = False) -> None:
    """Volta o relógio do ente à hora real."""
    _show_clock(_call(load_settings(), "DELETE", f"/entes/{ente}/clock"), as_json)


RULE_COLUMNS = ["id", "service", "endpoint", "effect", "status", "remaining", "probability", "expires_at"]


@faults_app.command("add")
def faults_add(
    ente: EnteOpt,
    service: Annotated[str, typer.Option(help="login, assinatura ou tramita.")],
    endpoint: Annotated[
        str | None, typer.Option(help="Endpoint ou operação (ex.: token, enviarProcesso).")
    ] = None,
    effect: Annotated[str | None, typer.Option(help="Efeito (veja `faults catalog`).")] = None,
    status: Annotated[int | None, typer.Option(help="Status HTTP da resposta injetada.")] = None,
    codigo: Annotated[str | None, typer.Option(help="Tramita: codigoErro (ex.: 0044).")] = None,
    latency_ms: Annotated[int | None, typer.Option("--latency-ms", help="Atraso acrescentado (ms).")] = None,
    count: Annotated[int | None, typer.Option(help="Só as próximas N requisições.")] = None,
    probability: Annotated[float | None, typer.Option(help="Probabilidade por requisição (0–1].")] = None,
    expires_in: Annotated[str | None, typer.Option("--expires-in", help="Validade (padrão 1h).")] = None,
    client_id: Annotated[str | None, typer.Option("--client-id", help="Só este client_id.")] = None,
    system_id: Annotated[str | None, typer.Option("--system-id", help="Só este sistema (Tramita).")] = None,
    persona: Annotated[str | None, typer.Option(help="Só esta persona (CPF).")] = None,
    description: Annotated[str | None, typer.Option(help="Texto livre (aparece nos eventos).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Cria uma regra de falha. Ex.: faults add --ente 3550308 --service login --endpoint token --status 503 --count 1"""
    body = {
        k: v
        for k, v in {
            "service": service,
            "endpoint": endpoint,
            "effect": effect,
            "status": status,
            "codigo": codigo,
            "latency_ms": latency_ms,
            "count": count,
            "probability": probability,
            "expires_in": _with_unit(expires_in, "--expires-in") if expires_in else None,
            "client_id": client_id,
            "system_id": system_id,
            "persona": persona,
            "description": description,
        }.items()
        if v is not None
    }
    _print(
        _call(load_settings(), "POST", f"/entes/{ente}/faults", json=body),
        as_json,
        RULE_COLUMNS,
        whole=("id",),
    )


@faults_app.command("list")
def faults_list(ente: EnteOpt, as_json: JsonOpt = False) -> None:
    """Lista as regras vigentes do ente."""
    _print(_call(load_settings(), "GET", f"/entes/{ente}/faults"), as_json, RULE_COLUMNS, whole=("id",))


@faults_app.command("remove")
def faults_remove(
    ente: EnteOpt,
    rule_id: Annotated[str | None, typer.Argument(help="Id da regra (f_...).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Remove todas as regras do ente.")] = False,
) -> None:
    """Remove uma regra (ou todas, com --all)."""
    if not rule_id and not all_:
        console.print("[bold red]erro:[/] informe o id da regra ou --all")
        raise typer.Exit(2)
    path = f"/entes/{ente}/faults" + ("" if all_ else f"/{rule_id}")
    _call(load_settings(), "DELETE", path)
    console.print("regra removida" if rule_id else "todas as regras removidas")


@faults_app.command("catalog")
def faults_catalog(as_json: JsonOpt = False) -> None:
    """Serviços, endpoints e efeitos que uma regra pode usar."""
    _print(_call(load_settings(), "GET", "/faults/catalog"), True)
