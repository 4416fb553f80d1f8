"""Trâmites: send, upload components, metadata, download, receipts, refusal, ciência, cancel (§2.2–2.13),
reproduction and synchronisation (§2.1 #25, #26)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from .. import blobs
from ..domain import ranges
from ..domain.errors import Erro, TramitaError, validation_error
from ..identity import Caller
from .deps import CallerDep, json_body, lenient_bool, lenient_int, service_of

router = APIRouter(tags=["Tramita GOV.BR: trâmites"])

UPLOAD = "/tickets-de-envio-de-componente/{ticket}/protocolos/componentes-a-enviar"


def _empty() -> Response:
    return Response(status_code=200)


@router.post(
    "/tramites/processo", summary="enviarProcesso: inicia o trâmite (0 → 1) e devolve IDT, NRE e ticket"
)
async def enviar_processo(request: Request, caller: Caller = CallerDep) -> JSONResponse:
    return JSONResponse(await service_of(request).send_processo(caller, await json_body(request)))


@router.post("/tramites/documento", summary="enviarDocumento: documento avulso para 1..n destinatários")
async def enviar_documento(request: Request, caller: Caller = CallerDep) -> JSONResponse:
    return JSONResponse(await service_of(request).send_documento(caller, await json_body(request)))


def _upload_query(request: Request) -> dict[str, str | None]:
    q = request.query_params
    return {"hashDoComponenteDigital": q.get("hashDoComponenteDigital"), "protocolo": q.get("protocolo")}


async def _receive(request: Request):
    svc = service_of(request)
    try:
        return await blobs.receive_multipart(
            request.headers.get("content-type", ""), request.stream(), svc.blobs.temp_path()
        )
    except blobs.MultipartError as exc:
        raise validation_error([str(exc)]) from None


@router.put(
    UPLOAD, summary="enviarComponenteDigital (multipart: conteudo, hashDoComponenteDigital, protocolo)"
)
async def enviar_componente(ticket: int, request: Request, caller: Caller = CallerDep) -> Response:
    upload = await _receive(request)
    await service_of(request).upload_whole(caller, ticket, upload, _upload_query(request))
    return _empty()


@router.post(UPLOAD + "/partes/sinalizacao-termino-envio", summary="Sinaliza o fim do envio das partes")
async def sinalizar_termino(ticket: int, request: Request, caller: Caller = CallerDep) -> Response:
    body = await json_body(request)
    await service_of(request).finish_parts(caller, ticket, body, _upload_query(request))
    return _empty()


@router.put(UPLOAD + "/partes/{faixa}", summary="enviarParteDeComponenteDigital: [inicio,fim[ em bytes")
async def enviar_parte(ticket: int, faixa: str, request: Request, caller: Caller = CallerDep) -> Response:
    rng = ranges.parse_range(faixa)
    if rng is None:
        head, _, tail = faixa.partition("-")
        raise TramitaError(Erro.INTERVALO_INVALIDO, inicio=head or "?", fim=tail or "?")
    upload = await _receive(request)
    await service_of(request).upload_part(caller, ticket, rng[0], rng[1], upload, _upload_query(request))
    return _empty()


@router.get("/tramites/pendentes", summary="listarPendencias: [{IDT, status}] do sistema do certificado")
async def pendentes(request: Request, caller: Caller = CallerDep) -> JSONResponse:
    lenient_bool("todas", request.query_params.get("todas"))  # accepted; same list either way
    return JSONResponse(await service_of(request).pendentes(caller))


@router.get(
    "/tramites", summary="consultarTramites: filtros IDT, NRE, protocolo, remetente[…], destinatario[…]…"
)
async def consultar(request: Request, caller: Caller = CallerDep) -> JSONResponse:
    q = request.query_params
    filters = {
        "IDT": lenient_int("IDT", q.get("IDT")),
        "NRE": q.get("NRE"),
        "protocolo": q.get("protocolo"),
        "situacaoAtual": lenient_int("situacaoAtual", q.get("situacaoAtual")),
        "quantidadeDeRegistros": lenient_int("quantidadeDeRegistros", q.get("quantidadeDeRegistros")),
        "registroInicial": lenient_int("registroInicial", q.get("registroInicial")),
    }
    for side in ("remetente", "destinatario"):
        filters[f"{side}_repo"] = lenient_int(
            f"{side}.identificacaoDoRepositorioDeEstruturas",
            q.get(f"{side}[identificacaoDoRepositorioDeEstruturas]")
            or q.get(f"{side}.identificacaoDoRepositorioDeEstruturas"),
        )
        filters[f"{side}_unit"] = q.get(f"{side}[numeroDeIdentificacaoDaEstrutura]") or q.get(
            f"{side}.numeroDeIdentificacaoDaEstrutura"
        )
    return JSONResponse(await service_of(request).list_tramites(caller, filters))


@router.get(
    "/tramites/{idt}", summary="solicitarMetadados (o destinatário lendo: 2 → 3); chave 'nre' minúscula"
)
async def metadados(idt: int, request: Request, caller: Caller = CallerDep) -> JSONResponse:
    return JSONResponse(await service_of(request).metadata(caller, idt))


async def _download(
    idt: int, request: Request, caller: Caller, rng: tuple[int, int] | None
) -> StreamingResponse:
    body = await json_body(request)
    path, inicio, fim = await service_of(request).download(caller, idt, body, rng)
    length = 4 * ((fim - inicio + 2) // 3)
    return StreamingResponse(
        blobs.base64_stream(path, inicio, fim),
        media_type="text/plain",
        headers={"Content-Length": str(length)},
    )


@router.post("/tramites/{idt}/protocolos/componentes-digitais", summary="receberComponenteDigital: Base64")
async def baixar(idt: int, request: Request, caller: Caller = CallerDep) -> StreamingResponse:
    return await _download(idt, request, caller, None)


@router.post("/tramites/{idt}/protocolos/componentes-digitais/partes/{faixa}", summary="Parte [inicio,fim[")
async def baixar_parte(
    idt: int, faixa: str, request: Request, caller: Caller = CallerDep
) -> StreamingResponse:
    rng = ranges.parse_range(faixa)
    if rng is None:
        head, _, tail = faixa.partition("-")
        raise TramitaError(Erro.INTERVALO_INVALIDO, inicio=head or "?", fim=tail or "?")
    return await _download(idt, request, caller, rng)


@router.get("/tramites/{idt}/recibo-de-envio", summary="Recibo de envio assinado pela plataforma (após 2)")
async def recibo_de_envio(idt: int, request: Request, caller: Caller = CallerDep) -> JSONResponse:
    return JSONResponse(await service_of(request).recibo_de_envio(caller, idt))


@router.post(
    "/tramites/{idt}/recibo", summary="enviarReciboDeTramite (4 → 5 se a assinatura confere; senão 0024)"
)
async def enviar_recibo(idt: int, request: Request, caller: Caller = CallerDep) -> Response:
    await service_of(request).send_recibo(caller, idt, await json_body(request))
    return _empty()


@router.get("/tramites/{idt}/recibo", summary="receberReciboDeTramite (remetente: 5 → 6)")
async def obter_recibo(idt: int, request: Request, caller: Caller = CallerDep) -> JSONResponse:
    return JSONResponse(await service_of(request).get_recibo(caller, idt))


@router.post("/tramites/{idt}/recusa", summary="recusarTramite: motivo 01/02/03/04/99 (3,4 → 8)")
async def recusar(idt: int, request: Request, caller: Caller = CallerDep) -> Response:
    await service_of(request).recusar(caller, idt, await json_body(request))
    return _empty()


@router.get("/tramites/{idt}/ciencia", summary="cienciaRecusa (remetente: 8 → 9)")
async def ciencia(idt: int, request: Request, caller: Caller = CallerDep) -> Response:
    await service_of(request).ciencia(caller, idt)
    return _empty()


@router.delete("/tramites/{idt}", summary="cancelarEnvioDeTramite (remetente: 1–4 → 7)")
async def cancelar(idt: int, request: Request, caller: Caller = CallerDep) -> Response:
    await service_of(request).cancelar(caller, idt)
    return _empty()


@router.post(
    "/NREs/{nre}/destinatarios/{repositorio}/{estrutura}/reproducoes-de-tramite",
    summary="reproduzirUltimoTramite: o último trâmite do NRE para esse destinatário, de novo (novo IDT)",
)
async def reproduzir(
    nre: str, repositorio: int, estrutura: str, request: Request, caller: Caller = CallerDep
) -> JSONResponse:
    return JSONResponse(await service_of(request).reproduzir(caller, nre, repositorio, estrutura))


@router.get(
    "/sincroniza-tramite/{idt}",
    summary="Sincronizar trâmite (beta): novo trâmite do NRE na situação 0, pendente para o remetente",
)
async def sincronizar(idt: int, request: Request, caller: Caller = CallerDep) -> JSONResponse:
    return JSONResponse(await service_of(request).sincronizar(caller, idt))
