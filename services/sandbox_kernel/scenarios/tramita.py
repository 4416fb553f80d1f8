"""The Tramita steps of a scenario: a system of the ente (certificate from the registry) sending a process.

The payload is the shape the SEI module sends (documents of one HTML component each); the call sequence is
the real one: ``POST tramites/processo`` then the upload, on the ticket, of the components the platform asked
for in ``processosComComponentesDigitaisSolicitados`` — with ``enviarApenasComponentesDigitaisPendentes`` and
the NRE of an earlier trâmite, only those it does not hold yet (reference tramita-govbr.md §2.2, §6.3).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import ssl
import tempfile
from dataclasses import dataclass
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


def _documento(ordem: int, data: bytes, moment: str) -> dict:
    component = {
        "ordem": 1, "nome": f"documento-{ordem}.html", "hash": {"algoritmo": "SHA256", "conteudo": _sha(data)},
        "tamanhoEmBytes": len(data), "mimeType": "text/html", "tipoDeConteudo": "txt",
    }  # fmt: skip
    return {
        "ordem": ordem, "descricao": "***", "retirado": False, "nivelDeSigilo": 1,
        "dataHoraDeProducao": moment, "dataHoraDeRegistro": moment,
        "produtor": {"nome": "Servidora Sintética", "tipo": "fisica"},
        "especie": {"codigo": 42, "nomeNoProdutor": "Despacho"},
        "componentesDigitais": [component],
    }  # fmt: skip


def processo(
    remetente: dict,
    destinatario: dict,
    protocolo: str,
    documentos: list[bytes],
    *,
    nre: str | None = None,
    apenas_pendentes: bool = False,
) -> dict:
    moment = "2026-11-20T10:20:30-03:00"
    cabecalho = {
        "remetente": _ref(remetente), "destinatario": _ref(destinatario),
        "enviarApenasComponentesDigitaisPendentes": apenas_pendentes, "urgencia": False,
    }  # fmt: skip
    if nre:  # every trâmite after the first carries the NRE the platform gave (§2.2)
        cabecalho["NRE"] = nre
    return {
        "cabecalho": cabecalho,
        "processo": {
            "protocolo": protocolo, "nivelDeSigilo": 1, "processoDeNegocio": "Cenário",
            "descricao": "Processo de cenário", "dataHoraDeProducao": moment, "dataHoraDeRegistro": moment,
            "produtor": {"nome": "Servidora Sintética", "tipo": "fisica"},
            "interessados": [{"nome": "Cidadão Sintético"}],
            "documentos": [_documento(i, data, moment) for i, data in enumerate(documentos, start=1)],
            "itensHistorico": [], "staTipoProtocolo": "P",
        },
    }  # fmt: skip


@dataclass
class Sent:
    """What ``enviarProcesso`` answered: the trâmite, or the platform's refusal (``codigoErro``)."""

    idt: int | None = None
    nre: str | None = None
    requested: int = 0
    codigo: str | None = None
    mensagem: str = ""


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
        self.nre: str | None = None  # the NRE of the last trâmite sent (a re-send carries it)

    async def close(self) -> None:
        await self.http.aclose()
        self._dir.cleanup()

    async def send(
        self,
        destinatario: dict,
        protocolo: str,
        documentos: list[bytes] | None = None,
        *,
        same_nre: bool = False,
        apenas_pendentes: bool = False,
    ) -> Sent:
        """``POST tramites/processo``, then the upload of each component the platform asks for (only those)."""
        documentos = documentos or [f"<p>{protocolo}</p>".encode()]
        if same_nre and not self.nre:
            raise AssertionError("same_nre: este sistema ainda não enviou um trâmite (não há NRE)")
        body = processo(
            self.unit,
            destinatario,
            protocolo,
            documentos,
            nre=self.nre if same_nre else None,
            apenas_pendentes=apenas_pendentes,
        )
        created = await self.http.post("/tramites/processo", json=body)
        if created.status_code != 200:
            answer = created.json() if "json" in created.headers.get("content-type", "") else {}
            if not answer.get("codigoErro"):
                raise AssertionError(f"enviarProcesso respondeu {created.status_code}: {created.text[:300]}")
            return Sent(codigo=answer["codigoErro"], mensagem=answer.get("mensagem", ""))
        answer = created.json()
        ticket = answer["ticketParaEnvioDeComponentesDigitais"]
        by_hash = {_sha(data): data for data in documentos}
        requested = [
            (item["protocolo"], h)
            for item in answer.get("processosComComponentesDigitaisSolicitados") or []
            for h in item["hashes"]
        ]
        for number, (proto, digest) in enumerate(requested, start=1):
            upload = await self.http.put(
                f"/tickets-de-envio-de-componente/{ticket}/protocolos/componentes-a-enviar",
                files={"conteudo": (f"documento-{number}.html", by_hash[digest], "text/html")},
                data={"hashDoComponenteDigital": digest, "protocolo": proto},
            )
            if upload.status_code != 200:
                raise AssertionError(
                    f"enviarComponenteDigital respondeu {upload.status_code}: {upload.text[:300]}"
                )
        self.nre = answer["NRE"]
        return Sent(idt=int(answer["IDT"]), nre=self.nre, requested=len(requested))

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
