"""``govbr-sandbox events export`` and ``events import``: record an ente's day, replay it as another ente."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .settings import load_settings

err = Console(stderr=True)


def add_replay_commands(events_app: typer.Typer) -> None:
    @events_app.command("export")
    def export(
        ente: Annotated[str, typer.Option("--ente", help="Código IBGE do ente.")],
        since: Annotated[
            datetime | None,
            typer.Option("--since", help="Só eventos a partir de (ISO 8601, ex.: 2026-12-03T08:00:00Z)."),
        ] = None,
    ) -> None:
        """Escreve os CloudEvents do ente (JSON, um por linha) na saída: `events export --ente X > dia.ndjson`."""
        from .events.replay import export_events

        settings = load_settings()
        if since is not None and since.tzinfo is None:
            raise typer.BadParameter("informe o fuso (ex.: Z ou -03:00)", param_hint="--since")
        events = asyncio.run(export_events(settings.bootstrap_servers, settings.topic_namespace, ente, since))
        for event in events:
            sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
        err.print(f"{len(events)} eventos do ente {ente} exportados")

    @events_app.command("import")
    def import_(
        file: Annotated[Path, typer.Argument(help="Arquivo .ndjson de `events export`.")],
        ente: Annotated[str, typer.Option("--ente", help="Ente que recebe os eventos.")],
        rate: Annotated[
            float | None, typer.Option("--rate", help="Eventos por segundo (padrão: sem pausa).")
        ] = None,
    ) -> None:
        """Publica os eventos gravados nos tópicos de outro ente, com ids e subjects novos (mapeados de forma consistente)."""
        from .events.replay import import_events, parse_lines

        settings = load_settings()
        try:
            events = parse_lines(file.read_text().splitlines())
        except ValueError as exc:
            err.print(f"[bold red]erro:[/] {file}: {exc}", highlight=False)
            raise typer.Exit(2) from None
        count = asyncio.run(
            import_events(
                settings.bootstrap_servers,
                settings.topic_namespace,
                events,
                ente,
                rate,
                settings.event_mode,
                settings.topic_partitions,
            )
        )
        err.print(f"{count} eventos publicados para o ente {ente}")
