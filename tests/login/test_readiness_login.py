"""Readiness report, login rules judged from the ente's real event stream: a well-behaved integration passes,
a legacy one (no PKCE, state or nonce, secret in the query string, a replayed code) fails exactly those rules,
with the events as evidence. Rules with no activity are "not evaluated", never a pass."""

from __future__ import annotations

import asyncio

from sandbox_kernel.readiness.catalogue import rules
from sandbox_kernel.readiness.judge import build_report
from sandbox_kernel.readiness.model import Outcome
from sandbox_kernel.readiness.source import ente_events

from .conftest import OURO, REDIRECT, authorize_params, headless_code, query_of

ENTE = "3550308"


async def _report(settings, expect_type: str, count: int):
    for _ in range(50):  # the relay publishes within milliseconds; wait until the last step is visible
        events = await ente_events(settings.bootstrap_servers, settings.topic_namespace, ENTE)
        if sum(e["type"] == expect_type for e in events) >= count:
            break
        await asyncio.sleep(0.2)
    report = build_report(ENTE, list(rules("login")), events)
    return report, {f.regra: f for f in report.achados}


async def test_good_then_legacy_integration(stack, sandbox_settings):
    report, by_rule = await _report(sandbox_settings, "", 0)
    assert all(f.resultado in (Outcome.NAO_AVALIADA, Outcome.AUTOAVALIACAO) for f in report.achados)
    assert not report.pronto_para_homologacao  # nothing done: never "ready"

    good = await stack.register(auto_approve=True)
    code, verifier, _ = await headless_code(stack, good["client_id"])
    token = await stack.login.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
        auth=(good["client_id"], good["client_secret"]),
    )
    assert token.status_code == 200
    report, by_rule = await _report(sandbox_settings, "br.gov.sandbox.login.token.issued", 1)
    for rule in ("LOGIN-01", "LOGIN-02", "LOGIN-03", "LOGIN-04", "LOGIN-05", "LOGIN-06"):
        assert by_rule[rule].resultado is Outcome.PASSA, by_rule[rule]
    assert by_rule["LOGIN-09"].resultado is Outcome.NAO_AVALIADA  # no logout yet
    assert by_rule["LOGIN-11"].resultado is Outcome.NAO_AVALIADA  # judged by the active run

    legacy = await stack.register(legacy_mode=True, auto_approve=True)
    params = authorize_params(legacy["client_id"], None, state=None, nonce=None, login_hint=OURO)
    code = query_of(await stack.login.get("/authorize", params=params))["code"]
    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": legacy["client_id"],
        "client_secret": legacy["client_secret"],
    }
    assert (await stack.login.post("/token", params=exchange)).status_code == 200  # the Java example's shape
    assert (await stack.login.post("/token", params=exchange)).status_code == 400  # replayed

    report, by_rule = await _report(sandbox_settings, "br.gov.sandbox.login.token.rejected", 1)
    failed = {f.regra for f in report.achados if f.resultado is Outcome.FALHA}
    assert failed == {"LOGIN-01", "LOGIN-02", "LOGIN-03", "LOGIN-04", "LOGIN-06"}
    nonce = by_rule["LOGIN-03"]
    assert nonce.correcao and "nonce" in nonce.correcao and nonce.referencia.startswith("acesso-govbr.md §")
    assert nonce.evidencias and all(e.id and e.time for e in nonce.evidencias)
    assert nonce.evidencias[0].detalhe["client_id"] == legacy["client_id"]
    replay = by_rule["LOGIN-06"].evidencias[0]
    assert replay.type == "br.gov.sandbox.login.token.rejected" and replay.detalhe["check"] == "code_replayed"
    assert set(report.resumo.bloqueios) == failed - {"LOGIN-07"}
    assert not report.pronto_para_homologacao
    dumped = report.model_dump_json()
    assert legacy["client_secret"] not in dumped and code not in dumped  # no secret in a report


async def test_cli_report_json_schema_junit_and_exit_code(stack, sandbox_settings, tmp_path):
    import json
    import os
    import subprocess
    import sys
    import xml.etree.ElementTree as ET

    from jsonschema import Draft202012Validator

    legacy = await stack.register(legacy_mode=True, auto_approve=True)
    params = authorize_params(legacy["client_id"], None, nonce=None, login_hint=OURO)
    query_of(await stack.login.get("/authorize", params=params))
    await _report(sandbox_settings, "br.gov.sandbox.login.authorize.requested", 1)

    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")} | sandbox_settings.as_env()
    cli = [sys.executable, "-m", "sandbox_kernel.cli", "readiness"]
    junit = tmp_path / "prontidao.xml"

    def cli_run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*cli, *args], env=env, capture_output=True, text=True)

    run = await asyncio.to_thread(cli_run, "report", "--ente", ENTE, "--json", "--junit", str(junit))
    assert run.returncode == 1, run.stderr  # a blocking automatic rule failed
    report = json.loads(run.stdout)
    schema = json.loads((await asyncio.to_thread(cli_run, "schema")).stdout)
    Draft202012Validator(schema).validate(report)
    assert "LOGIN-03" in report["resumo"]["bloqueios"] and report["pronto_para_homologacao"] is False
    suite = ET.parse(junit).getroot()
    failed = {case.get("name").split()[0] for case in suite if case.find("failure") is not None}
    assert "LOGIN-03" in failed and int(suite.get("failures")) == len(failed)

    table = await asyncio.to_thread(cli_run, "report", "--ente", ENTE)
    assert table.returncode == 1 and "LOGIN-03" in table.stdout and "como corrigir" in table.stdout
