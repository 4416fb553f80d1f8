"""One big component through tramita_mock over mutual TLS: upload and download MB/s, and the service's peak RSS.

    python bench/tramita_bigfile.py [--size-mib 1024] [--chunk-kib 1024]

Starts an embedded broker, the registry and tramita_mock (HTTPS, mutual TLS) as real processes in a temp
data dir, and creates two systems of the seeded ente through the registry API (a sender and a recipient,
each with its own client certificate and its own unit). It writes a component of ``--size-mib`` MiB to a
temp file in chunks, hashing it while writing (never whole in memory), sends the process declaring it,
then uploads it in one streamed multipart PUT (the whole-upload route: the service hashes and writes it
as it arrives and moves it into place; parts would cost a temp file per part, a copy into the sparse
file with fsync and a second full hash at the end). Only the upload is timed. As the recipient it reads
the metadata and downloads the component (Base64 text, streamed, decoded and hashed on the fly), checks
the hash and reports MB/s of raw bytes. The tramita process's RSS is sampled throughout (psutil if
installed, else ``/proc/<pid>/status``), and ``openssl speed -seconds 3 sha256`` gives the machine's
hashing limit. Targets: upload and download >= 200 MB/s, peak RSS < 200 MB.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import logging
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from sandbox_kernel.broker import EmbeddedBroker
from sandbox_kernel.secrets import admin_token
from sandbox_kernel.settings import Settings
from sandbox_kernel.testing.processes import ServiceProcess, free_port

try:
    import psutil
except ImportError:  # the /proc fallback below
    psutil = None

ENTE = "3550308"
API = "/interoperabilidade/rest/v3"
MIB = 1024 * 1024
MB = 1_000_000
TARGET_MBPS = 200.0
TARGET_RSS_MB = 200.0


# ------------------------------------------------------------------------------------------- measuring


class RssSampler:
    """Samples a process's resident set in a thread; the kernel's own peak (VmHWM) is read at the end."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.max_rss = 0
        self.baseline = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _status(self) -> dict[str, int]:
        out = {}
        with open(f"/proc/{self.pid}/status") as fh:
            for line in fh:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":", 1)
                    out[key] = int(value.split()[0]) * 1024
        return out

    def rss(self) -> int:
        if psutil is not None:
            return psutil.Process(self.pid).memory_info().rss
        return self._status().get("VmRSS", 0)

    def hwm(self) -> int | None:
        try:
            return self._status().get("VmHWM")
        except OSError:
            return None

    def cpu_seconds(self) -> float:
        if psutil is not None:
            t = psutil.Process(self.pid).cpu_times()
            return t.user + t.system
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.max_rss = max(self.max_rss, self.rss())
            except (OSError, ValueError):
                return
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self.baseline = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def openssl_sha256_16k() -> float | None:
    """MB/s of ``openssl speed -seconds 3 sha256`` on 16384-byte blocks (None if openssl is missing)."""
    openssl = shutil.which("openssl")
    if not openssl:
        return None
    out = subprocess.run(
        [openssl, "speed", "-seconds", "3", "sha256"], capture_output=True, text=True, check=True
    ).stdout
    for line in out.splitlines():
        if line.startswith("sha256 ") and line.rstrip().endswith("k"):
            return float(line.split()[-1].rstrip("k")) * 1000 / MB  # openssl prints 1000s of bytes/s
    return None


# --------------------------------------------------------------------------------------------- payload


def sha_b64(digest: hashlib._Hash) -> str:
    return base64.b64encode(digest.digest()).decode()


def write_component(path: Path, size: int, chunk: int) -> str:
    """Write ``size`` random-ish bytes in chunks, hashing while writing; returns the Base64 SHA-256."""
    digest = hashlib.sha256()
    seed = os.urandom(chunk)  # one random block, varied per chunk: cheap to make, nothing repeats
    with open(path, "wb") as fh:
        written = 0
        index = 0
        while written < size:
            block = (index.to_bytes(8, "big") + seed[8:])[: min(chunk, size - written)]
            if index % 16 == 0:
                seed = os.urandom(chunk)
            fh.write(block)
            digest.update(block)
            written += len(block)
            index += 1
    return sha_b64(digest)


def ref(unit: dict) -> dict:
    return {
        "identificacaoDoRepositorioDeEstruturas": unit["repository_id"],
        "numeroDeIdentificacaoDaEstrutura": unit["numeroDeIdentificacaoDaEstrutura"],
    }


def processo_body(remetente: dict, destinatario: dict, protocolo: str, hash_b64: str, size: int) -> dict:
    produced = "2026-11-20T10:20:30-03:00"
    componente = {
        "ordem": 1,
        "nome": "anexo.pdf",
        "hash": {"algoritmo": "SHA256", "conteudo": hash_b64},
        "tamanhoEmBytes": size,
        "mimeType": "application/pdf",
        "tipoDeConteudo": "txt",
    }
    documento = {
        "ordem": 1,
        "descricao": "***",
        "retirado": False,
        "nivelDeSigilo": 1,
        "dataHoraDeProducao": produced,
        "dataHoraDeRegistro": produced,
        "produtor": {"nome": "Servidora Sintética", "tipo": "fisica"},
        "especie": {"codigo": 180, "nomeNoProdutor": "Documento"},
        "identificacao": {"numero": 1, "siglaDaUnidadeProdutora": "PROT", "ano": "2026"},
        "componentesDigitais": [componente],
    }
    return {
        "cabecalho": {
            "remetente": ref(remetente),
            "destinatario": ref(destinatario),
            "enviarApenasComponentesDigitaisPendentes": False,
            "urgencia": False,
        },
        "processo": {
            "protocolo": protocolo,
            "nivelDeSigilo": 1,
            "processoDeNegocio": "Bench",
            "descricao": "Componente grande",
            "dataHoraDeProducao": produced,
            "dataHoraDeRegistro": produced,
            "produtor": {"nome": "Servidora Sintética", "tipo": "fisica"},
            "interessados": [{"nome": "Cidadão Sintético"}],
            "documentos": [documento],
            "itensHistorico": [],
        },
    }


def multipart_body(path: Path, fields: dict[str, str], chunk: int) -> tuple[str, int, Iterator[bytes]]:
    """(content type, length, chunks) of a multipart/form-data body whose ``conteudo`` streams from disk."""
    boundary = uuid.uuid4().hex
    head = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        )
        + (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="conteudo"; filename="anexo.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
    )
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = path.stat().st_size

    def chunks() -> Iterator[bytes]:
        yield head
        with open(path, "rb") as fh:
            while block := fh.read(chunk):
                yield block
        yield tail

    return f"multipart/form-data; boundary={boundary}", len(head) + size + len(tail), chunks()


# ------------------------------------------------------------------------------------------- the flow


def new_system(registry: httpx.Client, folder: Path, nome: str, unidades: list[str]) -> tuple[Path, Path]:
    created = registry.post(f"/entes/{ENTE}/systems", json={"nome": nome, "unidades": unidades})
    if created.status_code != 201:
        raise SystemExit(f"creating system {nome!r} failed: {created.status_code} {created.text[:500]}")
    body = created.json()
    cert, key = folder / f"{nome}.crt", folder / f"{nome}.key"
    cert.write_text(body["certificate_pem"])
    key.write_text(body["private_key_pem"])
    return cert, key


def tls_context(ca: Path, cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(ca))  # trust the sandbox root
    context.load_cert_chain(cert, key)  # the system's client certificate
    return context


def pen_client(base_url: str, ca: Path, cert: Path, key: Path) -> httpx.Client:
    context = tls_context(ca, cert, key)
    return httpx.Client(base_url=base_url + API, verify=context, timeout=httpx.Timeout(600, connect=10))


def upload(pen: httpx.Client, created: dict, protocolo: str, hash_b64: str, path: Path, chunk: int) -> float:
    ticket = created["ticketParaEnvioDeComponentesDigitais"]
    ctype, length, body = multipart_body(
        path, {"hashDoComponenteDigital": hash_b64, "protocolo": protocolo}, chunk
    )
    start = time.perf_counter()
    response = pen.put(
        f"/tickets-de-envio-de-componente/{ticket}/protocolos/componentes-a-enviar",
        content=body,
        headers={"Content-Type": ctype, "Content-Length": str(length)},
    )
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"upload failed: {response.status_code} {response.text[:500]}")
    return elapsed


class Decoder:
    """Base64 → raw bytes → SHA-256, fed in pieces as they arrive.

    CPython's ``binascii`` decodes Base64 at a few hundred MB/s at best (about 100 MB/s on a busy
    2-CPU machine), below the target, so by default the text is piped through ``openssl base64 -d -A``
    (several times faster, and on another CPU) while a thread hashes what comes out; without openssl
    (or with ``--decoder python``) it decodes in-process.
    """

    def __init__(self, kind: str, batch: int) -> None:
        self.batch = batch
        self.digest = hashlib.sha256()
        self.raw = 0
        self.pending = bytearray()
        openssl = shutil.which("openssl") if kind != "python" else None
        if kind == "openssl" and not openssl:
            raise SystemExit("--decoder openssl: openssl not found")
        self.kind = "openssl" if openssl else "python"
        self.process: subprocess.Popen | None = None
        self.reader: threading.Thread | None = None
        if openssl:
            self.process = subprocess.Popen(
                [openssl, "base64", "-d", "-A"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0
            )
            self.reader = threading.Thread(target=self._read, daemon=True)
            self.reader.start()

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        while data := self.process.stdout.read(self.batch):
            self.digest.update(data)  # hashlib releases the GIL on big buffers
            self.raw += len(data)

    def _decode(self, text: bytes | memoryview) -> None:
        data = base64.b64decode(text)
        self.digest.update(data)
        self.raw += len(data)

    def feed(self, piece: bytes) -> None:
        self.pending += piece
        if len(self.pending) < self.batch:
            return
        if self.process is not None:
            assert self.process.stdin is not None
            self.process.stdin.write(self.pending)
            self.pending.clear()
        else:
            cut = len(self.pending) - len(self.pending) % 4
            self._decode(memoryview(self.pending)[:cut])
            del self.pending[:cut]

    def finish(self) -> str:
        if self.process is not None:
            assert self.process.stdin is not None and self.reader is not None
            self.process.stdin.write(self.pending)
            self.process.stdin.close()
            self.reader.join()
            if self.process.wait() != 0:
                raise SystemExit("openssl base64 -d failed")
        elif self.pending:
            self._decode(bytes(self.pending))
        self.pending.clear()
        return sha_b64(self.digest)

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def download(
    pen: httpx.Client, idt: int, protocolo: str, hash_b64: str, decoder: Decoder
) -> tuple[float, int, str]:
    """Stream the Base64 body, decoding and hashing as it arrives; returns (seconds, raw bytes, hash)."""
    start = time.perf_counter()
    try:
        with pen.stream(
            "POST",
            f"/tramites/{idt}/protocolos/componentes-digitais",
            json={"hashDoComponenteDigital": hash_b64, "protocolo": protocolo},
        ) as response:
            if response.status_code != 200:
                raise SystemExit(f"download failed: {response.status_code} {response.read()[:500]!r}")
            for piece in response.iter_raw():
                decoder.feed(piece)
            got_hash = decoder.finish()
    finally:
        decoder.close()
    return time.perf_counter() - start, decoder.raw, got_hash


def download_raw_socket(
    base_url: str, context: ssl.SSLContext, idt: int, protocolo: str, hash_b64: str, buffer: int
) -> tuple[float, int]:
    """The same download read straight off a TLS socket into one buffer, bytes only counted: what the
    service serves when the client costs next to nothing (httpx's per-record overhead and the decoding
    are out of the picture). Returns (seconds, Base64 bytes of the body)."""
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    body = json.dumps({"hashDoComponenteDigital": hash_b64, "protocolo": protocolo}).encode()
    request = (
        f"POST {API}/tramites/{idt}/protocolos/componentes-digitais HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    view = memoryview(bytearray(buffer))
    received = bytearray()
    start = time.perf_counter()
    with context.wrap_socket(socket.create_connection((host, port)), server_hostname=host) as sock:
        sock.sendall(request)
        while b"\r\n\r\n" not in received:
            n = sock.recv_into(view)
            if not n:
                raise SystemExit("raw download: connection closed before the headers")
            received += view[:n]
        head, _, rest = bytes(received).partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise SystemExit(f"raw download failed: {head[:200]!r}")
        total = len(rest)
        while n := sock.recv_into(view):
            total += n
    return time.perf_counter() - start, total


def run(args: argparse.Namespace, tmp: Path) -> None:
    size = args.size_mib * MIB
    chunk = args.chunk_kib * 1024
    sha_limit = openssl_sha256_16k()

    component = tmp / "componente.bin"
    start = time.perf_counter()
    hash_b64 = write_component(component, size, chunk)
    print(
        f"component: {args.size_mib} MiB written and hashed in {time.perf_counter() - start:.1f} s "
        f"(sha256 {hash_b64[:16]}…)"
    )

    data_dir = tmp / "data"
    with EmbeddedBroker("127.0.0.1", free_port()) as broker:
        settings = Settings(
            data_dir=data_dir,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            registry_port=free_port(),
            tramita_port=free_port(),
            log_level="warning",
        )
        started: list[ServiceProcess] = []
        try:
            started.append(ServiceProcess("registry", settings, tmp / "registry.log").start())
            tramita = ServiceProcess("tramita", settings, tmp / "tramita.log")
            started.append(tramita.start(timeout=60))
            token, _ = admin_token(settings)
            with httpx.Client(
                base_url=f"{started[0].url}/sandbox/registry",
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ) as registry:
                units = [u for u in registry.get(f"/entes/{ENTE}/estruturas").json() if not u["robot"]]
                units.sort(key=lambda u: u.get("sigla") != "PROT")  # the protocol unit sends, if there is one
                sender_unit, recipient_unit = units[0], units[1]
                tag = uuid.uuid4().hex[:6]
                sender = new_system(
                    registry, tmp, f"bench-remetente-{tag}", [sender_unit["numeroDeIdentificacaoDaEstrutura"]]
                )
                recipient = new_system(
                    registry,
                    tmp,
                    f"bench-destinatario-{tag}",
                    [recipient_unit["numeroDeIdentificacaoDaEstrutura"]],
                )
            ca = data_dir / "pki" / "raiz-sandbox.crt"
            protocolo = f"99990.{int(time.time()) % 1_000_000:06d}/2026-11"
            assert tramita.process is not None
            with (
                RssSampler(tramita.process.pid) as sampler,
                pen_client(tramita.url, ca, *sender) as pen_out,
                pen_client(tramita.url, ca, *recipient) as pen_in,
            ):
                created = pen_out.post(
                    "/tramites/processo",
                    json=processo_body(sender_unit, recipient_unit, protocolo, hash_b64, size),
                )
                if created.status_code != 200:
                    raise SystemExit(f"enviarProcesso failed: {created.status_code} {created.text[:500]}")
                created = created.json()
                idt = created["IDT"]

                cpu0, client0 = sampler.cpu_seconds(), time.process_time()
                up_s = upload(pen_out, created, protocolo, hash_b64, component, chunk)
                up_cpu, up_client = sampler.cpu_seconds() - cpu0, time.process_time() - client0
                situacao = pen_out.get("/tramites", params={"IDT": idt}).json()["tramites"][0][
                    "situacaoAtual"
                ]

                meta = pen_in.get(f"/tramites/{idt}")
                meta.raise_for_status()
                (doc,) = meta.json()["processo"]["documentos"]
                (declared,) = doc["componentesDigitais"]
                cpu0, client0 = sampler.cpu_seconds(), time.process_time()
                decoder = Decoder(args.decoder, chunk)
                down_s, got, got_hash = download(
                    pen_in, idt, protocolo, declared["hash"]["conteudo"], decoder
                )
                down_cpu, down_client = sampler.cpu_seconds() - cpu0, time.process_time() - client0
                after = pen_in.get("/tramites", params={"IDT": idt}).json()["tramites"][0]["situacaoAtual"]
                cpu0 = sampler.cpu_seconds()
                raw_s, raw_b64 = download_raw_socket(
                    tramita.url, tls_context(ca, *recipient), idt, protocolo, hash_b64, chunk
                )
                raw_cpu = sampler.cpu_seconds() - cpu0
                hwm = sampler.hwm()
        finally:
            for process in reversed(started):
                process.stop()

    up_mbps = size / up_s / MB
    down_mbps = got / down_s / MB
    peak = max(sampler.max_rss, hwm or 0) / MB
    ok_hash = got_hash == hash_b64 and got == size
    print(f"\ntramita_mock over mutual TLS, one component of {args.size_mib} MiB ({size / MB:.0f} MB)")
    print(
        f"upload   (one multipart PUT)  {up_s:6.2f} s  {up_mbps:7.1f} MB/s   "
        f"service CPU {up_cpu / up_s:4.0%}  client CPU {up_client / up_s:4.0%}   situação → {situacao}"
    )
    print(
        f"download (Base64, streamed)   {down_s:6.2f} s  {down_mbps:7.1f} MB/s   "
        f"service CPU {down_cpu / down_s:4.0%}  client CPU {down_client / down_s:4.0%}   situação → {after}"
    )
    raw_mbps = raw_b64 * 3 / 4 / raw_s / MB
    print(
        f"download, bare TLS socket    {raw_s:6.2f} s  {raw_mbps:7.1f} MB/s   "
        f"service CPU {raw_cpu / raw_s:4.0%}   (no HTTP client, no decoding: the service's own rate)"
    )
    print(
        f"download hash {'verified' if ok_hash else 'MISMATCH'} ({got} bytes; client Base64 decoder: "
        f"{decoder.kind})"
    )
    print(
        f"tramita RSS: {sampler.baseline / MB:.0f} MB before the transfer, "
        f"peak {peak:.0f} MB (sampled max {sampler.max_rss / MB:.0f} MB, VmHWM "
        f"{(hwm or 0) / MB:.0f} MB)"
    )
    if sha_limit is not None:
        print(f"openssl speed -seconds 3 sha256, 16384-byte blocks: {sha_limit:.0f} MB/s (hashing limit)")
    else:
        print("openssl not found: no hashing limit measured")
    print(f"\ntarget upload   ≥ {TARGET_MBPS:.0f} MB/s: {'met' if up_mbps >= TARGET_MBPS else 'NOT met'}")
    print(f"target download ≥ {TARGET_MBPS:.0f} MB/s: {'met' if down_mbps >= TARGET_MBPS else 'NOT met'}")
    print(f"target peak RSS < {TARGET_RSS_MB:.0f} MB:   {'met' if peak < TARGET_RSS_MB else 'NOT met'}")
    busiest = max(up_cpu / up_s, raw_cpu / raw_s)
    load = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    if busiest >= 0.9:
        why = f"the process is CPU-bound ({busiest:.0%} of a CPU, event loop and worker together)"
    else:
        why = (
            f"the process used at most {busiest:.0%} of a CPU (event loop and worker together), so the "
            "rest was CPU contention "
            f"(load average {load:.1f} on {cpus} CPUs, client included)"
        )
    print(
        "limit: the service does TLS records, multipart parsing (upload) and Base64 encoding (download) on a "
        f"single event-loop thread (hash and disk writes go to a worker thread); {why}; the httpx client's "
        "per-TLS-record overhead costs the streamed download a further share (compare the bare-socket line)."
    )
    if not ok_hash:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--chunk-kib", type=int, default=1024, help="read/write and send chunk size")
    parser.add_argument(
        "--decoder",
        choices=["auto", "openssl", "python"],
        default="auto",
        help="client-side Base64 decoder (auto: openssl if found)",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tramita-bigfile-"))
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("SANDBOX_LOG_LEVEL", "warning")
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # "Unable connect" while the broker boots
    main()
