"""What a new user meets at the CLI: whole secrets and ids at 80 columns, one-line errors that say what to check."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys

import httpx
import pytest

from sandbox_kernel.logs import QuietPolls, log_config
from sandbox_kernel.testing.processes import free_port

CLI = [sys.executable, "-m", "sandbox_kernel.cli"]


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=120)


def _bare_env(tmp_path) -> dict:
    """No sandbox anywhere: an empty data dir and a broker port nobody listens on."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_") and k != "KAFKA_BOOTSTRAP_SERVERS"
    }
    return env | {
        "SANDBOX_DATA_DIR": str(tmp_path / "elsewhere"),
        "SANDBOX_BROKER_PORT": str(free_port()),
        "COLUMNS": "80",
    }


def test_info_without_sandbox_data_says_where_it_looked(tmp_path):
    env = _bare_env(tmp_path)
    info = _run(env, "info", "--json")
    assert info.returncode == 0  # URLs, ports and topics are known before `up`
    assert str(tmp_path / "elsewhere") in info.stderr and "mesmo diretório" in info.stderr
    assert "SANDBOX_DATA_DIR" in info.stderr
    admin = _run(env, "faults", "list", "--ente", "3550308")
    assert admin.returncode == 2
    assert (
        "token de administrador desconhecido" in admin.stderr and str(tmp_path / "elsewhere") in admin.stderr
    )


@pytest.mark.parametrize(
    "command", [["events", "tail", "--timeout", "5"], ["readiness", "report", "--ente", "3550308"]]
)
def test_unreachable_broker_is_one_line(tmp_path, command):
    env = _bare_env(tmp_path)
    result = _run(env, *command)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert f"127.0.0.1:{env['SANDBOX_BROKER_PORT']}" in lines[0] and "govbr-sandbox up" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout and "Unclosed" not in result.stderr


def test_a_bare_number_is_not_a_duration(tmp_path):
    result = _run(_bare_env(tmp_path), "clock", "advance", "--ente", "3550308", "--by", "8")
    assert result.returncode == 2 and "informe a unidade: 8d, 12h, 90m, 30s ou P8DT2H" in result.stdout


@pytest.mark.e2e
def test_secrets_and_ids_are_whole_at_80_columns_and_an_unknown_ente_is_refused(
    sandbox_server, sandbox_settings
):
    registry = sandbox_server("registry")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")} | sandbox_settings.as_env()
    env["COLUMNS"] = "80"  # and piped: what a narrow terminal or `| tee` sees

    ente = _run(env, "registry", "ente-create", "3304557", "Rio de Janeiro", "--uf", "RJ")
    assert ente.returncode == 0, ente.stdout + ente.stderr
    api_key = re.search(r"^api_key: (\S+)$", ente.stdout, re.MULTILINE)
    assert api_key and "…" not in ente.stdout, ente.stdout
    mine = httpx.get(
        f"{registry.url}/sandbox/registry/entes", headers={"Authorization": f"Bearer {api_key.group(1)}"}
    )
    assert mine.status_code == 200 and [e["ibge"] for e in mine.json()] == ["3304557"]

    app = _run(
        env,
        "registry",
        "app-register",
        "3304557",
        "Portal do Contribuinte do Município",
        "--kind",
        "login",
        "--redirect-uri",
        "https://portal.rio.example/autenticacao/govbr/retorno",
    )
    assert app.returncode == 0, app.stdout + app.stderr
    assert re.search(r"^client_secret: [A-Za-z0-9_-]{43}$", app.stdout, re.MULTILINE), app.stdout
    admin = {"Authorization": f"Bearer {(sandbox_settings.data_dir / 'admin-token').read_text().strip()}"}
    clients = httpx.get(f"{registry.url}/sandbox/registry/entes/3304557/login-clients", headers=admin).json()
    assert clients[0]["client_id"] in app.stdout

    added = _run(
        env,
        "faults",
        "add",
        "--ente",
        "3304557",
        "--service",
        "login",
        "--endpoint",
        "token",
        "--status",
        "503",
    )
    assert added.returncode == 0, added.stdout + added.stderr
    rule = re.search(r"\bf_[0-9a-f]{12}\b", added.stdout)
    assert rule, added.stdout
    assert rule.group(0) in _run(env, "faults", "list", "--ente", "3304557").stdout
    removed = _run(env, "faults", "remove", "--ente", "3304557", rule.group(0))
    assert removed.returncode == 0 and "regra removida" in removed.stdout, removed.stdout

    unknown = _run(env, "readiness", "report", "--ente", "1234567")
    assert unknown.returncode == 2 and "1234567 não encontrado" in unknown.stderr, unknown.stdout


def _access(path: str, status: int) -> logging.LogRecord:
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("c", "GET", path, "1.1", status),
        None,
    )


def test_internal_overrides_poll_is_not_logged_unless_it_fails():
    quiet = QuietPolls()
    assert not quiet.filter(_access("/sandbox/registry/overrides", 200))
    assert quiet.filter(_access("/sandbox/registry/overrides", 503))
    assert quiet.filter(_access("/sandbox/registry/overrides", 401))
    assert quiet.filter(_access("/sandbox/registry/entes", 200))
    assert "quiet_polls" in log_config("info")["loggers"]["uvicorn.access"]["filters"]
