"""The Tramita steps of a scenario: a system of the ente (certificate from the registry) sending a process.

The payload is the shape the SEI module sends (one document, one HTML component); the call sequence is the
real one: ``POST tramites/processo`` then the component upload on the ticket.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import ssl
import tempfile
from pathlib import Path

import httpx

API = "/interoperabilidade/rest/v3"


def _sha(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _ref(unit: dict) -> dict:
    return {
        "identificacaoDoRepositorioDeEstruturas": unit["repository_id"],
        "numeroDeIdentificacaoDaEstrutura": unit["numeroDeIdentificacaoDaEstrutura"],
    }


def processo(remetente: dict, destinatario: dict, protocolo: str, data: bytes) -> dict:
    moment = "2026-11-20T10:20:30-03:00"
    component = {
        "ordem": 1, "nome": "despacho.html", "hash": {"algoritmo": "SHA256", "conteudo": _sha(data)},
        "tamanhoEmBytes": len(data), "mimeType": "text/html", "tipoDeConteudo": "txt",
    }  # fmt: skip
    documento = {
        "ordem": 1, "descricao": "***", "retirado": False, "nivelDeSigilo": 1,
        "dataHoraDeProducao": moment, "dataHoraDeRegistro": moment,
        "produtor": {"nome": "Servidora Sintética", "tipo": "fisica"},
        "especie": {"codigo": 42, "nomeNoProdutor": "Despacho"},
        "componentesDigitais": [component],
    }  # fmt: skip
    return {
        "cabecalho": {
            "remetente": _ref(remetente), "destinatario": _ref(destinatario),
            "enviarApenasComponentesDigitaisPendentes": False, "urgencia": False,
        },
        "processo": {
            "protocolo": protocolo, "nivelDeSigilo": 1, "processoDeNegocio": "Cenário",
            "descricao": "Processo de cenário", "dataHoraDeProducao": moment, "dataHoraDeRegistro": moment,
            "produtor": {"nome": "Servidora Sintética", "tipo": "fisica"},
            "interessados": [{"nome": "Cidadão Sintético"}], "documentos": [documento], "itensHistorico": [],
            "staTipoProtocolo": "P",
        },
    }  # fmt: skip


class TramitaSystem:
    """A system of the ente with its own client certificate, talking mutual TLS to the emulator."""

    def __init__(self, base_url: str, root_ca: Path, created: dict, own_unit: dict) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="cenario-")
        folder = Path(self._dir.name)
        (folder / "c.crt").write_text(created["certificate_pem"])
        (folder / "c.key").write_text(created["private_key_pem"])
        context = ssl.create_default_context(cafile=str(root_ca))
        context.load_cert_chain(folder / "c.crt", folder / "c.key")
        self.http = httpx.AsyncClient(base_url=base_url + API, verify=context, timeout=60)
        self.unit = own_unit

    async def close(self) -> None:
        await self.http.aclose()
        self._dir.cleanup()

    async def send(self, destinatario: dict, protocolo: str) -> int:
        data = f"<p>{protocolo}</p>".encode()
        created = await self.http.post(
            "/tramites/processo", json=processo(self.unit, destinatario, protocolo, data)
        )
        if created.status_code != 200:
            raise AssertionError(f"enviarProcesso respondeu {created.status_code}: {created.text[:300]}")
        body = created.json()
        ticket = body["ticketParaEnvioDeComponentesDigitais"]
        upload = await self.http.put(
            f"/tickets-de-envio-de-componente/{ticket}/protocolos/componentes-a-enviar",
            files={"conteudo": ("despacho.html", data, "text/html")},
            data={"hashDoComponenteDigital": _sha(data), "protocolo": protocolo},
        )
        if upload.status_code != 200:
            raise AssertionError(
                f"enviarComponenteDigital respondeu {upload.status_code}: {upload.text[:300]}"
            )
        return int(body["IDT"])

    async def wait_situacao(self, idt: int | None, wanted: int, within: float) -> None:
        if idt is None:
            raise AssertionError("nenhum trâmite enviado antes de wait_situacao")
        loop = asyncio.get_running_loop()
        deadline, last = loop.time() + within, None
        while loop.time() < deadline:
            response = await self.http.get("/tramites", params={"IDT": idt})
            found = response.json().get("tramites") if response.status_code == 200 else None
            last = found[0]["situacaoAtual"] if found else None
            if last == wanted:
                return
            await asyncio.sleep(0.2)
        raise AssertionError(f"o trâmite {idt} ficou na situação {last}, esperada {wanted}")
