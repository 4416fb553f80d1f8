"""`govbr-sandbox lab create` against a real registry process, and `info --json` after the seed."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import httpx
import pytest

CLI = [sys.executable, "-m", "sandbox_kernel.cli"]


def _env(settings) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")},
        **settings.as_env(),
        "COLUMNS": "200",
    }


@pytest.mark.storage
@pytest.mark.e2e
def test_lab_create_30_trainees_gives_30_isolated_entes(sandbox_server, sandbox_settings, tmp_path):
    registry = sandbox_server("registry")
    env = _env(sandbox_settings)
    out = tmp_path / "handout"
    result = subprocess.run(
        [*CLI, "lab", "create", "--trainees", "30", "--prefix", "capacita-01", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = list(csv.DictReader(open(out / "capacita-01.csv")))
    assert len(rows) == 30
    assert len({r["ibge"] for r in rows}) == 30 and len({r["api_key"] for r in rows}) == 30
    assert "private_key_pem" not in rows[0]  # PEMs go to per-trainee files, not the sheet
    assert (out / "capacita-01" / "aluno-030" / "sistema.key").stat().st_mode & 0o077 == 0

    first, second = rows[0], rows[1]
    with httpx.Client(base_url=f"{registry.url}/sandbox/registry") as client:
        mine = client.get("/entes", headers={"Authorization": f"Bearer {first['api_key']}"})
        assert mine.status_code == 200, mine.text
        assert [e["ibge"] for e in mine.json()] == [first["ibge"]]
        other = client.get(
            f"/entes/{second['ibge']}/login-clients", headers={"Authorization": f"Bearer {first['api_key']}"}
        )
        assert other.status_code == 403
        personas = client.get("/personas", headers={"Authorization": f"Bearer {first['api_key']}"}).json()
        own = [p for p in personas if p["ente"]]
        assert own and all(p["ente"] == first["ibge"] for p in own)
    assert first["topics"].split(",")[1].endswith(f"govbr.{first['ibge']}.login")

    deleted = subprocess.run(
        [*CLI, "lab", "delete", "capacita-01"], env=env, capture_output=True, text=True, timeout=120
    )
    assert deleted.returncode == 0 and "30 entes" in deleted.stdout


@pytest.mark.e2e
def test_info_json_shows_seeded_credentials_certificates_and_robots(sandbox_server, sandbox_settings):
    sandbox_server("registry")
    info = json.loads(
        subprocess.run(
            [*CLI, "info", "--json"], env=_env(sandbox_settings), capture_output=True, text=True, check=True
        ).stdout
    )
    seed = info["seed"]
    assert seed["login_client"]["client_id"] == "sandbox-local" and seed["login_client"]["client_secret"]
    assert seed["assinatura_client"]["client_id"] == "devLocal"
    for key in ("certificate_path", "private_key_path", "ca_chain_path"):
        assert os.path.exists(seed["tramita_system"][key])
    assert {r["robot"]["kind"] for r in seed["robots"]} >= {"accept", "refuse", "send"}
    assert info["registry"]["admin_token"].startswith("sbx_admin_")
    assert info["login"]["issuer"] == sandbox_settings.login_issuer_url
    assert (
        info["login"]["client"]["client_id"] == "sandbox-local" and info["login"]["client"]["client_secret"]
    )
    assert os.path.exists(info["pki"]["root_ca_path"])


@pytest.mark.e2e
def test_registry_cli_common_tasks(sandbox_server, sandbox_settings, tmp_path):
    sandbox_server("registry")
    env = _env(sandbox_settings)

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*CLI, "registry", *args], env=env, capture_output=True, text=True, timeout=120)

    created = cli("ente-create", "4106902", "Curitiba", "--uf", "PR", "--json")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["api_key"].startswith("sbx_4106902_")
    app = cli(
        "app-register",
        "4106902",
        "Portal",
        "--redirect-uri",
        "https://portal.curitiba.pr.gov.br/cb",
        "--scope",
        "openid",
        "--scope",
        "email",
        "--json",
    )
    assert app.returncode == 0, app.stdout + app.stderr
    assert json.loads(app.stdout)["scopes"] == ["openid", "email"] and json.loads(app.stdout)["client_secret"]
    bad = cli("app-register", "4106902", "X", "--redirect-uri", "javascript:alert(1)")
    assert bad.returncode == 1 and "redirect_uris" in bad.stdout
    personas = json.loads(cli("personas", "--json").stdout)
    assert len(personas) >= 15
    cert = cli("system-certificate", "4106902", "SEI Curitiba", "--out", str(tmp_path / "certs"))
    assert cert.returncode == 0, cert.stdout + cert.stderr
    assert (tmp_path / "certs" / "sistema.key").stat().st_mode & 0o077 == 0
    assert "BEGIN CERTIFICATE" in (tmp_path / "certs" / "sistema.crt").read_text()
