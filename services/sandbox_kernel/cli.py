"""The ``govbr-sandbox`` command line (typer + rich)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from aiokafka.errors import KafkaConnectionError
from rich.console import Console
from rich.text import Text

from .errors import SandboxConfigError, broker_unreachable
from .events.envelope import event_as_dict
from .events.reader import EventReader, ReceivedEvent
from .events.topics import topic_pattern
from .info import missing_data_hint, sandbox_info
from .overrides_cli import clock_app, faults_app
from .readiness.cli import readiness_app
from .registry_cli import lab_app, registry_app
from .replay_cli import add_replay_commands
from .scenario_cli import scenario_app
from .services import SERVICES, resolve_service
from .settings import load_settings

app = typer.Typer(
    help="govbr-sandbox: Acesso GOV.BR, Assinatura GOV.BR e Tramita GOV.BR locais.", no_args_is_help=True
)
events_app = typer.Typer(help="Eventos CloudEvents publicados no Kafka.", no_args_is_help=True)
app.add_typer(events_app, name="events")
add_replay_commands(events_app)
app.add_typer(registry_app, name="registry")
app.add_typer(lab_app, name="lab")
app.add_typer(clock_app, name="clock")
app.add_typer(faults_app, name="faults")
app.add_typer(scenario_app, name="scenario")
app.add_typer(readiness_app, name="readiness")

console = Console()
err = Console(stderr=True)


@app.command()
def up(
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Iniciar só estes serviços (repita a opção).")
    ] = None,
    tls: Annotated[
        bool, typer.Option("--tls", help="HTTPS em todos os serviços (SANDBOX_TLS=true).")
    ] = False,
    real_hosts: Annotated[
        bool,
        typer.Option(
            "--real-hosts",
            help="Serve os nomes reais de staging em 127.0.0.1:443 (SANDBOX_REAL_HOSTS=true); veja `trust`.",
        ),
    ] = False,
) -> None:
    """Inicia o broker (se não houver Kafka externo) e os serviços, cada um em seu processo."""
    from .supervisor import run_up

    # Through the environment, so that every service process sees the same mode.
    if tls:
        os.environ["SANDBOX_TLS"] = "true"
    if real_hosts:
        os.environ["SANDBOX_REAL_HOSTS"] = "true"
    settings = load_settings()
    services = [resolve_service(name) for name in only] if only else list(SERVICES.values())
    raise typer.Exit(run_up(settings, services, console))


@app.command(hidden=True)
def serve(service: str) -> None:
    """Executa um serviço neste processo (usado por `up`)."""
    from .serve import serve as run

    run(service, load_settings())


@app.command()
def info(as_json: Annotated[bool, typer.Option("--json", help="Saída JSON para automação.")] = False) -> None:
    """URLs, Kafka, tópicos e credenciais padrão do sandbox."""
    settings = load_settings()
    data = sandbox_info(settings)
    hint = missing_data_hint(settings)
    if hint:  # still exit 0: URLs, ports and topics are known before `up`
        err.print(
            f"[bold yellow]aviso:[/] {hint}; seed e admin_token ficam null", highlight=False, soft_wrap=True
        )
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    console.print_json(data=data)


@app.command()
def trust(
    write_hosts: Annotated[
        bool, typer.Option("--write-hosts", help="Também adiciona os nomes reais ao arquivo de hosts.")
    ] = False,
    undo: Annotated[
        bool, typer.Option("--undo", help="Remove a raiz e as linhas de hosts do sandbox.")
    ] = False,
    hosts_file: Annotated[Path, typer.Option("--hosts-file", help="Arquivo de hosts.")] = Path("/etc/hosts"),
) -> None:
    """Instala a raiz do sandbox no repositório do sistema e no NSS e mostra as linhas de /etc/hosts."""
    from . import trust as t

    settings = load_settings()
    if undo:
        for line in (t.remove_system(), t.remove_nss(), t.remove_hosts(hosts_file)):
            console.print(line, highlight=False, soft_wrap=True)
        return
    pem = t.root_pem(settings)
    root_path = settings.data_dir.resolve() / "pki" / "raiz-sandbox.crt"
    console.print(f"raiz do sandbox: {root_path} (sha256 {t.fingerprint(pem)[:16]}…)", highlight=False)
    for line in (t.install_system(pem), t.install_nss(root_path)):
        console.print(line, highlight=False, soft_wrap=True)
    line = t.hosts_line(settings)
    if write_hosts:
        console.print(t.write_hosts(hosts_file, line), highlight=False, soft_wrap=True)
    else:
        console.print(f"Adicione a {hosts_file} (ou rode com --write-hosts):", highlight=False)
        sys.stdout.write(f"{line}\n")
    console.print("Desfazer: govbr-sandbox trust --undo", highlight=False)


@events_app.command("tail")
def events_tail(
    ente: Annotated[str | None, typer.Option(help="Código IBGE do ente (ou 'sandbox').")] = None,
    service: Annotated[str | None, typer.Option(help="registry, login, assinatura ou tramita.")] = None,
    type_prefix: Annotated[str | None, typer.Option("--type", help="Prefixo do tipo do evento.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Um CloudEvent JSON por linha.")] = False,
    new: Annotated[bool, typer.Option("--new", help="Só eventos a partir de agora.")] = False,
    count: Annotated[int | None, typer.Option(help="Sair depois de N eventos.")] = None,
    timeout: Annotated[float | None, typer.Option(help="Sair depois de N segundos.")] = None,
    to_end: Annotated[
        bool,
        typer.Option(
            "--to-end", help="Sair ao mostrar o que já foi publicado (o histórico), sem esperar novos."
        ),
    ] = False,
) -> None:
    """Acompanha os eventos do Kafka e os mostra de forma legível."""
    settings = load_settings()
    svc = resolve_service(service).name if service else None
    pattern = topic_pattern(settings.topic_namespace, ente, svc)
    try:
        asyncio.run(
            _tail(settings.bootstrap_servers, pattern, type_prefix, as_json, not new, count, timeout, to_end)
        )
    except KeyboardInterrupt:
        pass
    except KafkaConnectionError:
        raise broker_unreachable(settings.bootstrap_servers, settings.embedded_broker) from None


async def _tail(
    bootstrap, pattern, type_prefix, as_json, from_beginning, count, timeout, to_end=False
) -> None:
    shown = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout if timeout else None
    async with EventReader(bootstrap, pattern, from_beginning=from_beginning) as reader:
        ends = await reader.end_offsets() if to_end else None
        if ends is not None and await reader.reached(ends):
            return
        async for batch in reader.batches():
            for item in sorted(batch, key=lambda r: (r.event.get_time() or datetime.min, r.offset)):
                if type_prefix and not item.type.startswith(type_prefix):
                    continue
                if as_json:
                    sys.stdout.write(json.dumps(event_as_dict(item.event), ensure_ascii=False) + "\n")
                    sys.stdout.flush()
                else:
                    console.print(_readable(item), highlight=False, soft_wrap=True)
                shown += 1
                if count and shown >= count:
                    return
            if deadline and loop.time() > deadline:
                return
            if ends is not None and await reader.reached(ends):
                return


def _readable(item: ReceivedEvent) -> Text:
    event = item.event
    when = event.get_time()
    stamp = when.astimezone().strftime("%H:%M:%S.%f")[:-3] if when else "--:--:--"
    fields = ", ".join(f"{k}={v}" for k, v in list(item.data.items())[:6] if not isinstance(v, (dict, list)))
    line = Text(f"{stamp} ")
    line.append(event.get_type(), style="bold cyan")
    line.append(f"  {event.get_subject() or '-'}", style="yellow")
    line.append(f"  [{item.topic}]", style="dim")
    if fields:
        line.append(f"  {fields}")
    return line


def main() -> None:
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # we report broker state ourselves
    try:
        app()
    except SandboxConfigError as exc:
        err.print(f"[bold red]erro:[/] {exc.setting}: {exc.message}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyError as exc:  # unknown service name
        err.print(f"[bold red]erro:[/] {exc.args[0]}", highlight=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
