"""The real-hosts front: one HTTPS port (443) for the staging host names, routed by SNI to the services.

TLS is not terminated here. The front reads the ClientHello, picks the service by its server name and then
copies bytes both ways. Each service serves the sandbox certificate (``tls.py``: valid for every real name),
so ``https://sso.staging.acesso.gov.br`` verifies against the sandbox root, and Tramita still receives the
client certificate in its own handshake: mutual TLS works end to end, no proxy header to trust.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from .services import SERVICES
from .settings import Settings

log = logging.getLogger("govbr_sandbox.front")

HANDSHAKE = 0x16
CLIENT_HELLO = 1
SERVER_NAME_EXTENSION = 0
HELLO_TIMEOUT = 10.0
MAX_HELLO = 64 * 1024
CHUNK = 64 * 1024


def routes(settings: Settings) -> dict[str, int]:
    """Real host name → local port of the service that answers for it."""
    return {host: settings.port_of(s.name) for s in SERVICES.values() for host in s.replaces}


def server_name(hello: bytes) -> str | None:
    """The host_name of the SNI extension of a TLS ClientHello handshake message, or None."""
    try:
        if hello[0] != CLIENT_HELLO:
            return None
        pos = 4 + 2 + 32  # handshake header, client_version, random
        pos += 1 + hello[pos]  # session_id
        pos += 2 + int.from_bytes(hello[pos : pos + 2])  # cipher_suites
        pos += 1 + hello[pos]  # compression_methods
        end = pos + 2 + int.from_bytes(hello[pos : pos + 2])
        pos += 2
        while pos + 4 <= end:
            kind, size = int.from_bytes(hello[pos : pos + 2]), int.from_bytes(hello[pos + 2 : pos + 4])
            pos += 4
            if kind == SERVER_NAME_EXTENSION:
                names, i = hello[pos + 2 : pos + size], 0
                while i + 3 <= len(names):
                    length = int.from_bytes(names[i + 1 : i + 3])
                    if names[i] == 0:  # host_name
                        return names[i + 3 : i + 3 + length].decode("ascii").lower().rstrip(".")
                    i += 3 + length
                return None
            pos += size
    except (IndexError, UnicodeDecodeError):
        return None
    return None


async def read_client_hello(reader: asyncio.StreamReader) -> tuple[bytes, bytes] | None:
    """(raw records to forward, handshake message); the ClientHello may span several records."""
    raw, message = b"", b""
    while True:
        header = await reader.readexactly(5)
        if header[0] != HANDSHAKE:
            return None
        payload = await reader.readexactly(int.from_bytes(header[3:5]))
        raw += header + payload
        message += payload
        if len(message) >= 4 and len(message) >= 4 + int.from_bytes(message[1:4]):
            return raw, message
        if len(raw) > MAX_HELLO:
            return None


class Front:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.routes = routes(settings)
        self.backend_host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
        self.server: asyncio.Server | None = None

    async def start(self) -> Front:
        self.server = await asyncio.start_server(
            self._handle, self.settings.host, self.settings.real_hosts_port
        )
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 2)
            self.server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream: asyncio.StreamWriter | None = None
        try:
            hello = await asyncio.wait_for(read_client_hello(reader), HELLO_TIMEOUT)
            name = server_name(hello[1]) if hello else None
            port = self.routes.get(name or "")
            if hello is None or port is None:
                log.warning("conexão recusada: nome %r não é um dos hosts reais do sandbox", name)
                return
            up_reader, upstream = await asyncio.open_connection(self.backend_host, port)
            upstream.write(hello[0])
            await asyncio.gather(_pipe(reader, upstream), _pipe(up_reader, writer))
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            for w in (writer, upstream):
                if w is not None:
                    w.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(CHUNK):
            writer.write(chunk)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except OSError:
        writer.close()
