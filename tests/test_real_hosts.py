"""HTTPS and the real host names: `up --real-hosts` + `trust`, then clients that hard-code the staging URLs.

The end-to-end test changes this machine's trust store (and undoes it): it needs root and
update-ca-certificates, and skips otherwise. It runs the front on a free port instead of 443, so it can
run beside a real sandbox; `curl --resolve` stands in for /etc/hosts.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time

import pytest

from sandbox_kernel import trust
from sandbox_kernel.front import server_name
from sandbox_kernel.services import SERVICES
from sandbox_kernel.testing.processes import free_port

CLI = [sys.executable, "-m", "sandbox_kernel.cli"]
SSO = "sso.staging.acesso.gov.br"
TRAMITA = "homolog.api.processoeletronico.gov.br"


def _client_hello(host: str) -> bytes:
    """The first flight of a real TLS client (Python's ssl module) for ``host``."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ssl.create_default_context().wrap_bio(incoming, outgoing, server_hostname=host)
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def test_the_front_reads_the_server_name_of_a_real_client_hello():
    records = _client_hello(TRAMITA)
    assert records[0] == 0x16
    assert server_name(records[5:]) == TRAMITA
    assert server_name(b"\x01\x00") is None  # truncated: no name, no exception


def test_hosts_block_is_added_once_and_removed_leaving_the_rest(tmp_path):
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n::1 localhost\n")
    line = "127.0.0.1 sso.staging.acesso.gov.br"
    trust.write_hosts(hosts, line)
    trust.write_hosts(hosts, line)  # twice: still one block
    assert hosts.read_text().count(line) == 1
    assert hosts.read_text().startswith("127.0.0.1 localhost\n::1 localhost\n")
    trust.remove_hosts(hosts)
    assert hosts.read_text() == "127.0.0.1 localhost\n::1 localhost\n"


def _env(tmp_path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_") and k != "KAFKA_BOOTSTRAP_SERVERS"
    }
    env.update(
        SANDBOX_DATA_DIR=str(tmp_path / "data"),
        SANDBOX_BROKER_PORT=str(free_port()),
        SANDBOX_REAL_HOSTS_PORT=str(free_port()),
        COLUMNS="200",
    )
    env.update({f"SANDBOX_{name.upper()}_PORT": str(free_port()) for name in SERVICES})
    return env


class _RealHostConnection(http.client.HTTPSConnection):
    """An HTTPS client for a real host name that reaches 127.0.0.1 (what /etc/hosts would do)."""

    def connect(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _curl(url: str, port: int, *extra: str) -> subprocess.CompletedProcess:
    host = url.split("/")[2].split(":")[0]
    return subprocess.run(
        ["curl", "-sS", "--max-time", "20", "--resolve", f"{host}:{port}:127.0.0.1", *extra, url],
        capture_output=True,
        text=True,
    )


@pytest.mark.e2e
@pytest.mark.skipif(
    os.geteuid() != 0 or trust.system_store() is None or not shutil.which("curl"),
    reason="needs root, a system trust store (update-ca-certificates) and curl",
)
def test_up_real_hosts_and_trust_let_unchanged_clients_reach_the_staging_urls(tmp_path):
    env = _env(tmp_path)
    port = int(env["SANDBOX_REAL_HOSTS_PORT"])
    base = f"https://{SSO}:{port}"
    log_path = tmp_path / "up.log"
    up = subprocess.Popen(
        [*CLI, "up", "--real-hosts"], env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT
    )
    trusted = False
    try:
        deadline = time.monotonic() + 120
        while "govbr-sandbox no ar" not in log_path.read_text():
            assert up.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.3)
        # Before trust: a client with the system store refuses the sandbox certificate.
        refused = _curl(f"{base}/.well-known/openid-configuration", port)
        assert refused.returncode == 60, refused.stderr

        hosts = tmp_path / "hosts"
        done = subprocess.run(
            [*CLI, "trust", "--write-hosts", "--hosts-file", str(hosts)],
            env=env,
            capture_output=True,
            text=True,
        )
        trusted = True
        assert done.returncode == 0, done.stderr
        assert f"127.0.0.1 {SSO}" in hosts.read_text()

        # curl, no -k, no --cacert: the system store now trusts the sandbox root.
        result = _curl(f"{base}/.well-known/openid-configuration", port)
        assert result.returncode == 0, result.stderr
        discovery = json.loads(result.stdout)
        assert discovery["issuer"] == f"{base}/"
        assert discovery["token_endpoint"] == f"{base}/token"

        # Python with the system store (ssl.create_default_context), another host, the same front.
        conn = _RealHostConnection(
            "cas.staging.iti.br", port, context=ssl.create_default_context(), timeout=20
        )
        conn.request("GET", "/sandbox/nada")
        answer = conn.getresponse()
        assert answer.status == 404 and json.loads(answer.read())["path"] == "/sandbox/nada"
        conn.close()

        # Tramita through the front: the client certificate reaches tramita_mock in its own handshake.
        info = json.loads(
            subprocess.run([*CLI, "info", "--json"], env=env, capture_output=True, text=True).stdout
        )
        tramita = info["tramita"]
        assert tramita["base_url"] == f"https://{TRAMITA}:{port}/interoperabilidade/rest/v3/"
        seed = tramita["sistema_seed"]
        pending = _curl(
            f"{tramita['base_url']}tramites/pendentes",
            port,
            "--cert",
            seed["certificado"],
            "--key",
            seed["chave"],
        )
        assert pending.returncode == 0, pending.stderr
        assert "codigoErro" not in pending.stdout, pending.stdout
        anonymous = _curl(f"{tramita['base_url']}tramites/pendentes", port)
        assert (
            json.loads(anonymous.stdout)["codigoErro"] == "0901"
        )  # no certificate: refused, as the real one
    finally:
        if trusted:
            undone = subprocess.run(
                [*CLI, "trust", "--undo", "--hosts-file", str(tmp_path / "hosts")],
                env=env,
                capture_output=True,
                text=True,
            )
            assert undone.returncode == 0, undone.stderr
        up.send_signal(signal.SIGINT)
        code = up.wait(30)
    assert code == 0, log_path.read_text()[-3000:]
    assert not list(trust.system_store().directory.glob("govbr-sandbox-*.crt"))
    assert _curl(f"{base}/.well-known/openid-configuration", port).returncode != 0  # store and front are gone
