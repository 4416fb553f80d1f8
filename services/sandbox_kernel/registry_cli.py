"""``govbr-sandbox registry ...`` and ``govbr-sandbox lab ...``: the registry's common tasks over its HTTP API.

They talk to a running registry (``govbr-sandbox up``) with the admin token, exactly as any automation
would, so what the CLI can do the API can do.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .errors import SandboxConfigError
from .info import missing_data_hint, sandbox_info
from .services import local_verify
from .settings import Settings, load_settings

registry_app = typer.Typer(
    help="Tarefas comuns do registry (entes, aplicações, personas, certificados).", no_args_is_help=True
)
lab_app = typer.Typer(help="Turmas do Capacita GOV.BR: um ente isolado por aluno.", no_args_is_help=True)
console = Console()

PEM_COLUMNS = ("certificate_pem", "private_key_pem")


def _client(settings: Settings) -> httpx.Client:
    info = sandbox_info(settings)
    token = info["registry"]["admin_token"]
    if not token:
        raise SandboxConfigError(
            "SANDBOX_ADMIN_TOKEN",
            "token de administrador desconhecido: inicie o sandbox (govbr-sandbox up) antes; "
            + (missing_data_hint(settings) or f"procurado em {info['registry']['admin_token_file']}"),
        )
    return httpx.Client(
        base_url=info["registry"]["api"],
        headers={"Authorization": f"Bearer {token}"},
        timeout=300.0,
        verify=local_verify(settings),
    )


def _call(settings: Settings, method: str, path: str, **kwargs) -> Any:  # the endpoint's JSON body
    try:
        with _client(settings) as client:
            response = client.request(method, path, **kwargs)
    except httpx.ConnectError:
        raise SandboxConfigError(
            "SANDBOX_REGISTRY_URL",
            f"o registry não responde em {settings.registry_base_url}; rode govbr-sandbox up",
        ) from None
    if response.status_code >= 400:
        try:
            body = response.json()
            message = body.get("mensagem") or json.dumps(body, ensure_ascii=False)
        except ValueError:
            message = response.text
        console.print(f"[bold red]erro {response.status_code}:[/] {message}", highlight=False)
        raise typer.Exit(1)
    return response.json() if response.content else {}


def _print(
    data,
    as_json: bool,
    columns: list[str] | None = None,
    *,
    whole: tuple[str, ...] = (),
    apart: tuple[str, ...] = (),
) -> None:
    """JSON, or a table of ``columns``. Nothing another command needs is ever cut with '…', at any width
    (80 columns, or piped): ``whole`` columns (ids) keep their full width on one line, and ``apart`` values
    (secrets shown only once) go below the table, one ``name: value`` line each, never wrapped."""
    if as_json or not columns:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    rows = data if isinstance(data, list) else [data]
    shown = [c for c in columns if c not in apart]
    table = Table()
    for column in shown:
        if column in whole:
            widest = max([len(column), *(len(_cell(row.get(column))) for row in rows)])
            table.add_column(column, no_wrap=True, min_width=widest)
        else:
            table.add_column(column)
    for row in rows:
        table.add_row(*[_cell(row.get(c)) for c in shown])
    console.print(table)
    for row in rows:
        for column in apart:
            if row.get(column):
                console.print(Text(f"{column}: {row[column]}"), soft_wrap=True, highlight=False)
    if any(row.get(column) for row in rows for column in apart):
        console.print("(mostrado uma única vez: guarde agora; --json para automação)", highlight=False)


def _cell(value) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


JsonOpt = Annotated[bool, typer.Option("--json", help="Saída JSON.")]


@registry_app.command("ente-create")
def ente_create(
    ibge: str,
    nome: str,
    uf: Annotated[str | None, typer.Option(help="Sigla da UF.")] = None,
    tipo: Annotated[str, typer.Option(help="municipio, estado ou uniao.")] = "municipio",
    as_json: JsonOpt = False,
) -> None:
    """Cadastra um ente; mostra sua chave de API (uma única vez)."""
    data = _call(load_settings(), "POST", "/entes", json={"ibge": ibge, "nome": nome, "uf": uf, "tipo": tipo})
    _print(data, as_json, ["ibge", "nome", "uf", "tipo", "api_key"], apart=("api_key",))


@registry_app.command("entes")
def entes_list(as_json: JsonOpt = False) -> None:
    """Lista os entes."""
    _print(_call(load_settings(), "GET", "/entes"), as_json, ["ibge", "nome", "uf", "tipo", "lab"])


@registry_app.command("app-register")
def app_register(
    ibge: str,
    nome: str,
    kind: Annotated[str, typer.Option(help="login (Acesso GOV.BR) ou assinatura (ITI).")] = "login",
    client_id: Annotated[str | None, typer.Option(help="Gerado quando omitido.")] = None,
    redirect_uri: Annotated[list[str] | None, typer.Option(help="Repita para várias.")] = None,
    loopback: Annotated[
        bool, typer.Option(help="Aceitar qualquer http://127.0.0.1:* / localhost:*.")
    ] = False,
    auto_approve: Annotated[bool, typer.Option(help="Login sem páginas com login_hint (CI).")] = False,
    scope: Annotated[list[str] | None, typer.Option(help="Escopos permitidos (repita).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Registra uma aplicação cliente; mostra o client_secret (uma única vez)."""
    body: dict = {
        "nome": nome,
        "redirect_uris": redirect_uri or [],
        "allow_loopback": loopback,
        "auto_approve": auto_approve,
    }
    if client_id:
        body["client_id"] = client_id
    if scope:
        body["scopes"] = scope
    segment = "login-clients" if kind == "login" else "assinatura-clients"
    data = _call(load_settings(), "POST", f"/entes/{ibge}/{segment}", json=body)
    _print(
        data,
        as_json,
        ["client_id", "kind", "redirect_uris", "scopes", "client_secret"],
        whole=("client_id",),
        apart=("client_secret",),
    )


@registry_app.command("personas")
def personas_list(
    ente: Annotated[str | None, typer.Option(help="Só as personas deste ente.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Lista as personas (CPF, nome, nível, situação do CPF)."""
    data = _call(load_settings(), "GET", "/personas", params={"ente": ente} if ente else None)
    _print(data, as_json, ["cpf", "nome", "nivel", "situacao_cpf", "ente", "descricao"])


@registry_app.command("system-certificate")
def system_certificate(
    ibge: str,
    nome: str,
    unidade: Annotated[
        list[str] | None, typer.Option(help="Unidade que o sistema representa (repita).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Pasta onde gravar certificado, chave e cadeia.")] = Path("."),
) -> None:
    """Cria um sistema do Tramita e grava seu certificado, chave privada e cadeia (PEM)."""
    data = _call(
        load_settings(), "POST", f"/entes/{ibge}/systems", json={"nome": nome, "unidades": unidade or []}
    )
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "certificate_pem": "sistema.crt",
        "private_key_pem": "sistema.key",
        "ca_chain_pem": "cadeia-sandbox.pem",
    }
    for field, name in files.items():
        (out / name).write_text(data[field])
    (out / "sistema.key").chmod(0o600)
    console.print(f"sistema [bold]{data['id']}[/] ({data['nome']}): arquivos em {out.resolve()}")


@lab_app.command("create")
def lab_create(
    trainees: Annotated[int, typer.Option(help="Número de alunos.")],
    prefix: Annotated[str, typer.Option(help="Nome da turma (letras minúsculas, dígitos, '-').")] = "turma",
    uf: Annotated[str, typer.Option(help="UF dos municípios fictícios.")] = "DF",
    out: Annotated[Path, typer.Option(help="Pasta do material dos alunos.")] = Path("."),
) -> None:
    """Cria a turma e grava o material: <turma>.csv, <turma>.json e a pasta <turma>/ com os PEM de cada aluno."""
    with console.status(
        f"criando {trainees} entes isolados (credenciais, personas, unidades, certificados)..."
    ):
        data = _call(load_settings(), "POST", "/labs", json={"nome": prefix, "trainees": trainees, "uf": uf})
    rows = data["trainees"]
    write_handout(out, prefix, rows)
    console.print(
        f"turma [bold]{prefix}[/]: {len(rows)} alunos; material em {out.resolve() / (prefix + '.csv')}"
    )


def write_handout(out: Path, name: str, rows: list[dict]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    pem_dir = out / name
    pem_dir.mkdir(exist_ok=True)
    for row in rows:
        trainee = pem_dir / f"aluno-{row['aluno']:03d}"
        trainee.mkdir(exist_ok=True)
        (trainee / "sistema.crt").write_text(row["certificate_pem"])
        key = trainee / "sistema.key"
        key.write_text(row["private_key_pem"])
        key.chmod(0o600)
    (out / f"{name}.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    columns = [c for c in rows[0] if c not in PEM_COLUMNS] if rows else []
    with open(out / f"{name}.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


@lab_app.command("delete")
def lab_delete(name: str) -> None:
    """Remove a turma e os entes dos alunos."""
    data = _call(load_settings(), "DELETE", f"/labs/{name}")
    console.print(f"turma [bold]{name}[/] removida: {len(data['entes_removidos'])} entes")
