"""``govbr-sandbox trust``: make this machine trust the sandbox root and, optionally, point the real names here.

- System trust store: Debian/Ubuntu (``/usr/local/share/ca-certificates`` + ``update-ca-certificates``) or
  Fedora/RHEL (``/etc/pki/ca-trust/source/anchors`` + ``update-ca-trust``). curl, wget, Python's ``ssl``,
  Java via ca-certificates-java, PHP and Node with ``--use-openssl-ca`` read it.
- NSS database ``~/.pki/nssdb`` (Chromium and Chrome on Linux), with ``certutil`` when it is installed.
- ``/etc/hosts``: the lines between our markers (``--write-hosts``); ``--undo`` removes all of it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .errors import SandboxConfigError
from .services import SERVICES
from .settings import Settings

HOSTS_BEGIN = "# >>> govbr-sandbox: nomes reais (govbr-sandbox trust --write-hosts) >>>"
HOSTS_END = "# <<< govbr-sandbox <<<"
FILE_PREFIX = "govbr-sandbox-"
NSS_NICKNAME = "govbr-sandbox"


@dataclass(frozen=True)
class SystemStore:
    directory: Path
    command: list[str]


STORES = (
    SystemStore(Path("/usr/local/share/ca-certificates"), ["update-ca-certificates"]),  # Debian, Ubuntu
    SystemStore(Path("/etc/pki/ca-trust/source/anchors"), ["update-ca-trust", "extract"]),  # Fedora, RHEL
)


def hosts_line(settings: Settings) -> str:
    address = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    return f"{address} " + " ".join(h for s in SERVICES.values() for h in s.replaces)


def root_pem(settings: Settings) -> bytes:
    from .pki import SandboxPKI  # creates the root when the sandbox has never run with this data dir

    return SandboxPKI(settings.data_dir).root_cert_path.read_bytes()


def fingerprint(pem: bytes) -> str:
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    return hashlib.sha256(der).hexdigest()


def system_store() -> SystemStore | None:
    return next((s for s in STORES if shutil.which(s.command[0]) and s.directory.parent.exists()), None)


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SandboxConfigError(command[0], (result.stderr or result.stdout).strip() or "falhou")


def _permission(what: str) -> SandboxConfigError:
    return SandboxConfigError(
        what, "sem permissão: rode como root, mantendo o data dir (sudo -E govbr-sandbox trust)"
    )


# ------------------------------------------------------------------------------------- system store


def install_system(pem: bytes) -> str:
    store = system_store()
    if store is None:
        return "repositório do sistema: não encontrei update-ca-certificates nem update-ca-trust; instale a raiz à mão"
    target = store.directory / f"{FILE_PREFIX}{fingerprint(pem)[:16]}.crt"
    try:
        store.directory.mkdir(parents=True, exist_ok=True)
        for old in store.directory.glob(f"{FILE_PREFIX}*.crt"):
            if old != target:
                old.unlink()  # one sandbox root at a time: the one of this data dir
        target.write_bytes(pem)
    except PermissionError:
        raise _permission(str(store.directory)) from None
    _run(store.command)
    return f"repositório do sistema: {target} ({' '.join(store.command)})"


def remove_system() -> str:
    store = system_store()
    if store is None:
        return "repositório do sistema: nada a remover"
    removed = list(store.directory.glob(f"{FILE_PREFIX}*.crt")) if store.directory.exists() else []
    try:
        for path in removed:
            path.unlink()
    except PermissionError:
        raise _permission(str(store.directory)) from None
    if removed:
        _run(store.command)
    return f"repositório do sistema: {len(removed)} certificado(s) removido(s)"


# ------------------------------------------------------------------------------------- NSS (browsers)


def nss_db() -> Path:
    return Path.home() / ".pki" / "nssdb"


def install_nss(root_path: Path) -> str:
    if not shutil.which("certutil"):
        return (
            "navegadores (NSS): certutil não está instalado (Debian: apt install libnss3-tools); "
            f"importe {root_path} como autoridade no navegador"
        )
    db = nss_db()
    if not (db / "cert9.db").exists():
        db.mkdir(parents=True, exist_ok=True)
        _run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"])
    subprocess.run(["certutil", "-D", "-d", f"sql:{db}", "-n", NSS_NICKNAME], capture_output=True)
    _run(["certutil", "-A", "-d", f"sql:{db}", "-n", NSS_NICKNAME, "-t", "C,,", "-i", str(root_path)])
    return f"navegadores (NSS): {db} (Firefox usa o banco do próprio perfil: importe a raiz nele)"


def remove_nss() -> str:
    if not shutil.which("certutil") or not (nss_db() / "cert9.db").exists():
        return "navegadores (NSS): nada a remover"
    subprocess.run(["certutil", "-D", "-d", f"sql:{nss_db()}", "-n", NSS_NICKNAME], capture_output=True)
    return f"navegadores (NSS): removido de {nss_db()}"


# ------------------------------------------------------------------------------------- /etc/hosts


def without_block(text: str) -> str:
    lines, inside = [], False
    for line in text.splitlines():
        if line.strip() == HOSTS_BEGIN:
            inside = True
        elif line.strip() == HOSTS_END and inside:
            inside = False
        elif not inside:
            lines.append(line)
    return "\n".join(lines) + ("\n" if lines else "")


def write_hosts(path: Path, line: str) -> str:
    try:
        text = without_block(path.read_text() if path.exists() else "")
        path.write_text(f"{text}{HOSTS_BEGIN}\n{line}\n{HOSTS_END}\n")
    except PermissionError:
        raise _permission(str(path)) from None
    return f"{path}: nomes reais apontando para este computador"


def remove_hosts(path: Path) -> str:
    if not path.exists() or HOSTS_BEGIN not in path.read_text():
        return f"{path}: nada a remover"
    try:
        path.write_text(without_block(path.read_text()))
    except PermissionError:
        raise _permission(str(path)) from None
    return f"{path}: linhas do sandbox removidas"
