"""The scenario catalogue runs green against a running sandbox; a broken file fails with its line and field."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

from sandbox_kernel.scenarios.model import ScenarioError, json_schema, load_scenario
from sandbox_kernel.scenarios.runner import junit_xml, run_scenarios
from sandbox_kernel.settings import Settings

CATALOGUE = Path(__file__).parent.parent.parent / "scenarios"

BROKEN = """name: quebrado
setup:
  clients:
    - name: app
steps:
  - login:
      client: app
      expect_status: duzentos
"""


def test_broken_file_names_line_and_field(tmp_path):
    bad = tmp_path / "quebrado.yaml"
    bad.write_text(BROKEN)
    try:
        load_scenario(bad)
    except ScenarioError as exc:
        message = str(exc)
    else:
        raise AssertionError("a broken scenario was accepted")
    assert f"{bad}:8: steps.0.login.expect_status:" in message, message
    unknown = tmp_path / "cliente.yaml"
    unknown.write_text("name: x\nsteps:\n  - login: {client: outro}\n")
    try:
        load_scenario(unknown)
    except ScenarioError as exc:
        assert ":3: steps.0.login.client: cliente 'outro'" in str(exc), str(exc)
    wrong_kind = tmp_path / "assinador.yaml"
    wrong_kind.write_text("name: x\nsetup:\n  clients: [{name: app}]\nsteps:\n  - sign: {client: app}\n")
    try:
        load_scenario(wrong_kind)
    except ScenarioError as exc:
        assert (
            ":5: steps.0.sign.client: cliente 'app' não está em setup.clients com service: assinatura"
            in str(exc)
        ), str(exc)
    else:
        raise AssertionError("a sign step on a login client was accepted")
    bad_code = tmp_path / "codigo.yaml"
    bad_code.write_text(
        "name: x\nsetup:\n  systems: [{name: sei}]\nsteps:\n  - send_tramite:\n      system: sei\n"
        "      to: RBSIL\n      expect_codigo: '47'\n"
    )
    try:
        load_scenario(bad_code)
    except ScenarioError as exc:
        assert f"{bad_code}:8: steps.0.send_tramite.expect_codigo:" in str(exc), str(exc)
    else:
        raise AssertionError("expect_codigo '47' was accepted")
    unknown_step = tmp_path / "passo.yaml"
    unknown_step.write_text("name: x\nsteps:\n  - assinar: {client: app}\n")
    try:
        load_scenario(unknown_step)
    except ScenarioError as exc:
        assert ":3: steps.0: passo desconhecido; passos: login, sign," in str(exc), str(exc)
    else:
        raise AssertionError("an unknown step was accepted")
    schema = json_schema()
    assert {"SignStep", "SignArgs"} <= set(schema["$defs"]) and "check_id_token" in str(schema)


def test_every_catalogue_file_is_valid():
    files = sorted(CATALOGUE.glob("*.yaml"))
    assert files
    for path in files:
        load_scenario(path)


async def test_catalogue_runs_green_with_junit(sandbox_process, sandbox_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("SANDBOX_TRAMITA_EXPIRY_CHECK_SECONDS", "0.5")  # look for idle trâmites often
    fields = ("data_dir", "database_url", "kafka_bootstrap_servers", "topic_namespace")
    ports = {
        f"{s}_port": sandbox_settings.port_of(s)
        for s in ("registry", "login", "assinatura", "tramita", "console")
    }
    settings = Settings(**{f: getattr(sandbox_settings, f) for f in fields}, **ports)
    for service in ("registry", "login", "assinatura", "tramita"):
        sandbox_process(service, settings)
    results = await run_scenarios(settings, sorted(CATALOGUE.glob("*.yaml")))
    assert [r.message for r in results if r.outcome != "passed"] == []
    suite = ET.fromstring(junit_xml(results))
    assert suite.get("tests") == str(len(results)) and suite.get("failures") == "0"

    no_rotation = tmp_path / "sem-rotacao.yaml"  # without the rule the token is signed with the key in use
    no_rotation.write_text(
        "name: sem regra\nsetup:\n  clients: [{name: app}]\nsteps:\n  - login: {client: app, check_id_token: new_kid}\n"
    )
    (unrotated,) = await run_scenarios(settings, [no_rotation])
    assert unrotated.outcome == "failed" and "sem rotação" in unrotated.message, unrotated

    bad = tmp_path / "nunca.yaml"
    bad.write_text(
        "name: evento que nunca vem\nexpect:\n  within: 1s\n  events:\n    - type: br.gov.sandbox.login.token.issued\n"
    )
    env = {**os.environ, **sandbox_settings.as_env()}
    junit = tmp_path / "out.xml"
    cli = [sys.executable, "-m", "sandbox_kernel.cli", "scenario", "run", str(bad), "--junit", str(junit)]
    done = await asyncio.to_thread(subprocess.run, cli, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "não chegou" in done.stdout and "token.issued" in done.stdout
    failure = ET.parse(junit).getroot().find("testcase/failure")
    assert failure is not None and "token.issued" in failure.get("message")
