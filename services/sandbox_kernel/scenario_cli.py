"""``govbr-sandbox scenario run FILE…`` and ``scenario schema``: scenario files against the running sandbox."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .settings import load_settings

scenario_app = typer.Typer(
    help="Cenários (YAML): monta o dia ruim, executa passos, confere eventos.", no_args_is_help=True
)
console = Console()


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; folders become their *.yaml files, in name order."""
    out: list[Path] = []
    for path in paths:
        out.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return out


@scenario_app.command("run")
def run(
    files: Annotated[list[Path], typer.Argument(help="Arquivos .yaml (ou pastas com eles).")],
    junit: Annotated[
        Path | None, typer.Option("--junit", help="Grava o resultado em JUnit XML (CI).")
    ] = None,
) -> None:
    """Executa os cenários; sai com código 1 se algum falhar."""
    from .scenarios.runner import junit_xml, run_scenarios

    results = asyncio.run(run_scenarios(load_settings(), expand(files)))
    for r in results:
        mark = {"passed": "[green]ok[/]", "failed": "[red]FALHOU[/]", "error": "[red]ERRO[/]"}[r.outcome]
        console.print(f"{mark} {r.name} ({r.path}, {r.seconds:.1f} s)", highlight=False)
        if r.message:
            console.print(f"    {r.message}", highlight=False, soft_wrap=True)
    if junit:
        junit.write_text(junit_xml(results))
    passed = sum(r.outcome == "passed" for r in results)
    console.print(f"{passed}/{len(results)} cenários passaram")
    raise typer.Exit(0 if results and passed == len(results) else 1)


@scenario_app.command("schema")
def schema() -> None:
    """O JSON Schema dos arquivos de cenário (para o editor validar enquanto você escreve)."""
    from .scenarios.model import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
