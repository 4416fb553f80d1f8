"""The govbr-sandbox command: up / info / events tail as a user runs them, and one-line errors."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time

import httpx
import pytest

from sandbox_kernel.testing.processes import free_port

CLI = [sys.executable, "-m", "sandbox_kernel.cli"]


def _env(tmp_path, **extra) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_") and k != "KAFKA_BOOTSTRAP_SERVERS"
    }
    env.update(
        SANDBOX_DATA_DIR=str(tmp_path / "data"),
        SANDBOX_BROKER_PORT=str(free_port()),
        SANDBOX_REGISTRY_PORT=str(free_port()),
        SANDBOX_LOGIN_PORT=str(free_port()),
        SANDBOX_ASSINATURA_PORT=str(free_port()),
        SANDBOX_TRAMITA_PORT=str(free_port()),
        SANDBOX_CONSOLE_PORT=str(free_port()),
        COLUMNS="200",
    )
    env.update(extra)
    return env


def _child_with(parent: int, marker: str) -> int:
    """The pid of a child process of ``parent`` whose command line contains ``marker``."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
            cmdline = open(f"/proc/{entry}/cmdline", "rb").read().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and marker in cmdline:
            return int(entry)
    raise AssertionError(f"no child of {parent} runs {marker}")


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_info_json_lists_services_kafka_and_topics(tmp_path):
    env = _env(tmp_path, SANDBOX_TOPIC_NAMESPACE="ci-7")
    result = subprocess.run([*CLI, "info", "--json"], env=env, capture_output=True, text=True, check=True)
    info = json.loads(result.stdout)
    assert info["services"]["login_mock"]["url"] == f"http://127.0.0.1:{env['SANDBOX_LOGIN_PORT']}"
    assert info["services"]["login_mock"]["replaces"] == [
        "sso.staging.acesso.gov.br",
        "api.staging.acesso.gov.br",
        "confiabilidades.staging.acesso.gov.br",
    ]
    assert info["services"]["tramita_mock"]["replaces"] == ["homolog.api.processoeletronico.gov.br"]
    assert info["kafka"] == {
        "bootstrap_servers": f"127.0.0.1:{env['SANDBOX_BROKER_PORT']}",
        "embedded": True,
        "event_mode": "binary",
        "topic_namespace": "ci-7",
    }
    assert "ci-7.govbr.sandbox.login" in info["topics"]["sandbox"]


def test_external_kafka_is_used_as_given(tmp_path):
    env = _env(tmp_path, KAFKA_BOOTSTRAP_SERVERS="kafka.example:9093")
    info = json.loads(
        subprocess.run([*CLI, "info", "--json"], env=env, capture_output=True, text=True).stdout
    )
    assert info["kafka"]["bootstrap_servers"] == "kafka.example:9093"
    assert info["kafka"]["embedded"] is False


@pytest.mark.parametrize(
    "setting, value, expected",
    [
        (
            "SANDBOX_DATABASE_URL",
            "mysql://root@127.0.0.1/test",
            "SANDBOX_DATABASE_URL: banco 'mysql' não suportado",
        ),
        (
            "SANDBOX_DATABASE_URL",
            "postgresql://nobody@127.0.0.1:1/none",
            "SANDBOX_DATABASE_URL: não foi possível conectar",
        ),
        ("SANDBOX_DATABASE_URL", "::not a url::", "SANDBOX_DATABASE_URL: URL inválida"),
        ("SANDBOX_DATA_DIR", "/proc/govbr-sandbox", "SANDBOX_DATA_DIR: não é possível escrever"),
        ("SANDBOX_LOGIN_PORT", "abc", "SANDBOX_LOGIN_PORT"),
    ],
)
def test_bad_settings_give_one_clear_line(tmp_path, setting, value, expected):
    result = subprocess.run(
        [*CLI, "up"], env=_env(tmp_path, **{setting: value}), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_port_in_use_is_named(tmp_path):
    env = _env(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", int(env["SANDBOX_TRAMITA_PORT"])))
        busy.listen()
        result = subprocess.run([*CLI, "up"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "SANDBOX_TRAMITA_PORT: a porta" in result.stderr and "já está em uso" in result.stderr


def test_unknown_service_is_refused(tmp_path):
    result = subprocess.run(
        [*CLI, "up", "--only", "nope"], env=_env(tmp_path), capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "serviço desconhecido: 'nope'" in result.stderr


@pytest.mark.e2e
def test_up_starts_everything_tail_shows_started_events_and_ctrl_c_cleans_up(tmp_path):
    env = _env(tmp_path)
    ports = [int(env[f"SANDBOX_{s}_PORT"]) for s in ("REGISTRY", "LOGIN", "ASSINATURA", "TRAMITA", "BROKER")]
    log = (tmp_path / "up.log").open("w+")
    up = subprocess.Popen([*CLI, "up"], env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        while "govbr-sandbox no ar" not in (tmp_path / "up.log").read_text():
            assert up.poll() is None, (tmp_path / "up.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "up.log").read_text()
            time.sleep(0.2)
        output = (tmp_path / "up.log").read_text()
        assert "sso.staging.acesso.gov.br" in output and "homolog.api.processoeletronico.gov.br" in output
        info = json.loads(
            subprocess.run([*CLI, "info", "--json"], env=env, capture_output=True, text=True).stdout
        )
        assert info["services"]["tramita_mock"]["url"].startswith("https://")  # mutual TLS, as the real one
        root_ca = ssl.create_default_context(cafile=info["pki"]["root_ca_path"])
        for service in info["services"].values():
            response = httpx.get(service["health"], verify=root_ca)
            assert response.status_code == 200 and response.json()["status"] == "ok"
            deadline = time.monotonic() + 30  # its first events (service.started, the seed) reach the broker
            while response.json()["outbox"]["pending"] != 0:
                assert time.monotonic() < deadline, response.text
                time.sleep(0.1)
                response = httpx.get(service["health"], verify=root_ca)

        tail = subprocess.run(
            [*CLI, "events", "tail", "--json", "--to-end"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        events = [json.loads(line) for line in tail.stdout.splitlines()]
        started = sorted(e["type"] for e in events if e["type"].endswith(".service.started"))
        assert started == sorted(
            f"br.gov.sandbox.{s}.service.started"
            for s in ("registry", "login", "assinatura", "tramita", "console")
        )
        assert any(e["type"] == "br.gov.sandbox.registry.ente.created" for e in events)  # the seed, too
        readable = subprocess.run(
            [*CLI, "events", "tail", "--service", "login", "--count", "1", "--timeout", "30"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "br.gov.sandbox.login.service.started" in readable.stdout and "login_mock" in readable.stdout
        quiet = subprocess.run(
            [*CLI, "events", "tail", "--new", "--timeout", "1"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert (
            quiet.returncode == 0 and "service.started" not in quiet.stdout
        )  # only new events; ends on time

        # kill -9 the in-memory broker: `up` restarts it, says so, and the outboxes refill it
        broker_pid = _child_with(up.pid, "--cluster-id")
        os.kill(broker_pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while "republicação concluída" not in (tmp_path / "up.log").read_text():
            assert time.monotonic() < deadline, (tmp_path / "up.log").read_text()[-3000:]
            time.sleep(0.2)
        output = (tmp_path / "up.log").read_text()
        assert "o broker embutido parou" in output
        assert len([line for line in output.splitlines() if "republicação concluída" in line]) == 1
        history = subprocess.run(
            [*CLI, "events", "tail", "--json", "--to-end"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        after = {json.loads(line)["id"] for line in history.stdout.splitlines()}
        assert {e["id"] for e in events} <= after  # the whole history is back on the new broker
    finally:
        up.send_signal(signal.SIGINT)
        code = up.wait(30)
    assert code == 0, (tmp_path / "up.log").read_text()[-3000:]
    assert "sandbox parado" in (tmp_path / "up.log").read_text()
    assert [p for p in ports if _listening(p)] == []
