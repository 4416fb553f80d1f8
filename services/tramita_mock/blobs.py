"""Component bytes on disk: streamed in while SHA-256 is computed, never held whole in memory.

Layout under ``<data dir>/tramita/``: ``componentes/<sha256 hex>`` holds verified content (addressed by
its hash, so a component the platform already has is not stored twice); ``envios/`` holds uploads in
progress (a whole upload, or the sparse file the parts of a chunked upload are written into). A file
moves into ``componentes/`` only after its hash and size were checked (``os.replace``: atomic), so a
crash leaves at most an orphan in ``envios/``, never a half component in the store.

Multipart bodies are parsed incrementally (python-multipart's push parser fed from the ASGI stream):
small text fields are kept in memory, ``conteudo`` goes straight to a file.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header

CHUNK = 1024 * 1024
B64_CHUNK = 3 * 256 * 1024  # a multiple of 3: each chunk encodes without padding
MAX_FIELD = 64 * 1024


def b64_to_hex(hash_b64: str) -> str:
    return base64.b64decode(hash_b64).hex()


class MultipartError(ValueError):
    pass


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.store = root / "componentes"
        self.incoming = root / "envios"
        self.store.mkdir(parents=True, exist_ok=True)
        self.incoming.mkdir(parents=True, exist_ok=True)
        for orphan in self.incoming.glob("*.tmp"):  # whole uploads cut short by a crash: never counted
            orphan.unlink(missing_ok=True)

    def path(self, hash_b64: str) -> Path:
        return self.store / b64_to_hex(hash_b64)

    def has(self, hash_b64: str) -> bool:
        return self.path(hash_b64).exists()

    def temp_path(self) -> Path:
        return self.incoming / f"{uuid.uuid4().hex}.tmp"

    def partial_path(self, ticket: int, protocolo: str, hash_b64: str) -> Path:
        key = hashlib.sha256(f"{ticket}|{protocolo}|{hash_b64}".encode()).hexdigest()[:32]
        return self.incoming / f"{key}.partes"

    def commit(self, temp: Path, hash_b64: str) -> Path:
        """Move verified content into the store (atomic)."""
        target = self.path(hash_b64)
        os.replace(temp, target)
        return target


def sha256_file(path: Path) -> tuple[str, int]:
    """(Base64 SHA-256, size) of a file, read in chunks. Run in a thread for big files."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return base64.b64encode(digest.digest()).decode(), size


def write_at(path: Path, offset: int, source: Path) -> None:
    """Copy ``source`` into ``path`` at ``offset`` (the parts of a chunked upload share one sparse file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with open(source, "rb") as src:
            pos = offset
            while chunk := src.read(CHUNK):
                os.pwrite(fd, chunk, pos)
                pos += len(chunk)
        os.fsync(fd)
    finally:
        os.close(fd)


async def base64_stream(path: Path, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
    """Base64 text of ``path[start:end]`` in chunks (the download body, reference §2.9).

    Local file reads of 768 KiB are served from the page cache in microseconds; a thread hop per
    chunk would cost more than it saves.
    """
    with open(path, "rb") as fh:  # noqa: ASYNC230
        fh.seek(start)
        remaining = (end if end is not None else os.fstat(fh.fileno()).st_size) - start
        while remaining > 0:
            chunk = fh.read(min(B64_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield base64.b64encode(chunk)


@dataclass
class ReceivedUpload:
    """What a component upload carried: text fields, and the ``conteudo`` file with its hash and size."""

    fields: dict[str, str] = field(default_factory=dict)
    content_path: Path | None = None
    content_hash: str | None = None  # Base64 SHA-256
    content_size: int = 0

    def discard(self) -> None:
        if self.content_path is not None:
            self.content_path.unlink(missing_ok=True)
            self.content_path = None


async def receive_multipart(
    content_type: str, stream: AsyncIterator[bytes], temp_path: Path, file_field: str = "conteudo"
) -> ReceivedUpload:
    """Parse a multipart/form-data body incrementally; the file field goes to ``temp_path`` while hashed.

    Writing and hashing run in a worker thread, one batch behind the network reads (double buffering):
    the event loop keeps decrypting TLS and parsing while the previous batch is hashed and written, and
    at most two batches (a few hundred KiB) are in memory at any time.
    """
    ctype, params = parse_options_header(content_type or "")
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise MultipartError("o corpo deve ser multipart/form-data com o campo 'conteudo'")
    result = ReceivedUpload()
    state: dict = {
        "name": None,
        "headers": {},
        "hname": b"",
        "hvalue": b"",
        "buf": bytearray(),
        "in_file": False,
    }
    digest = hashlib.sha256()
    pending: list[bytes] = []
    handle: dict = {"fh": None}

    def on_part_begin() -> None:
        state.update(name=None, headers={}, buf=bytearray(), in_file=False)

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["hname"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["hvalue"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["hname"].decode("latin-1").lower()] = state["hvalue"]
        state["hname"], state["hvalue"] = b"", b""

    def on_headers_finished() -> None:
        _, disp = parse_options_header(state["headers"].get("content-disposition", b""))
        name = disp.get(b"name", b"").decode("utf-8", "replace")
        state["name"] = name
        if name == file_field:
            if result.content_path is not None:
                raise MultipartError("o campo 'conteudo' veio mais de uma vez")
            result.content_path = temp_path
            handle["fh"] = open(temp_path, "wb")  # noqa: SIM115 - closed after the last batch / finally
            state["in_file"] = True

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if state["in_file"]:
            pending.append(chunk)
            result.content_size += len(chunk)
        else:
            state["buf"] += chunk
            if len(state["buf"]) > MAX_FIELD:
                raise MultipartError(f"o campo {state['name']!r} é grande demais")

    def on_part_end() -> None:
        if state["in_file"]:
            state["in_file"] = False
        elif state["name"]:
            result.fields[state["name"]] = bytes(state["buf"]).decode("utf-8", "replace").strip()

    def flush(fh, batch: list[bytes]) -> None:
        for piece in batch:
            fh.write(piece)
            digest.update(piece)

    parser = MultipartParser(
        params[b"boundary"],
        callbacks={
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
        },
    )
    loop = asyncio.get_running_loop()
    in_flight: asyncio.Future | None = None
    try:
        async for chunk in stream:
            if chunk:
                parser.write(chunk)
            if pending and handle["fh"] is not None:
                batch = pending[:]
                pending.clear()
                if in_flight is not None:
                    await in_flight
                in_flight = loop.run_in_executor(None, flush, handle["fh"], batch)
        parser.finalize()
        if in_flight is not None:
            await in_flight
            in_flight = None
        if pending and handle["fh"] is not None:
            flush(handle["fh"], pending)
    except MultipartError:
        await _settle(in_flight)
        _close(handle)
        result.discard()
        raise
    except Exception as exc:
        await _settle(in_flight)
        _close(handle)
        result.discard()
        raise MultipartError(f"corpo multipart inválido ({type(exc).__name__})") from None
    finally:
        await _settle(in_flight)
        _close(handle)
    if result.content_path is not None:
        result.content_hash = base64.b64encode(digest.digest()).decode()
    return result


async def _settle(future: asyncio.Future | None) -> None:
    if future is not None and not future.done():
        with contextlib.suppress(Exception):
            await future


def _close(handle: dict) -> None:
    if handle["fh"] is not None:
        handle["fh"].close()
        handle["fh"] = None
