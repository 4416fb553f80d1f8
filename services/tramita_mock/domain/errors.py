"""The closed list of errors the mock answers with: ``{"codigoErro": "...", "mensagem": "..."}``.

Codes 0001, 0024, 0044, 0047 and 0055 and their texts are the real ones (reference §2.15). The real
platform answers business errors with a 5xx status (a Guzzle "Server error", SUAP's 500 for 0024), so
they all use 500 here. Situations whose real code is not public get a code in the sandbox range 09xx
(never used by the real platform as far as any source shows), with the real text where one is known
("A parte informada ultrapassa …", "ainda não recebeu todos os componentes digitais").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class _Spec:
    codigo: str
    status: int
    template: str


class Erro(Enum):
    VALIDACAO = _Spec(
        "0001",
        500,
        "Os seguintes erros de validação de campos foram identificados: {erros} "
        "Devido aos erros a operação não foi concluída.",
    )
    RECIBO_INVALIDO = _Spec(
        "0024",
        500,
        "Recibo de conclusão do trâmite {IDT} não aceito: a assinatura não confere com o certificado do "
        "sistema destinatário ({detalhe}).",
    )
    TRAMITE_EM_ANDAMENTO = _Spec("0044", 500, "Processo já possui um trâmite em andamento")
    HASH_DIVERGENTE_NRE = _Spec(
        "0047",
        500,
        "Inconsistência identificada no documento de ordem '{ordem}' do processo tramitado por este NRE, "
        "'{NRE}', com protocolo '{protocolo}': hash de ao menos um componente digital não confere.",
    )
    ESTRUTURA_FORA_DO_REPOSITORIO = _Spec(
        "0055",
        500,
        "A estrutura organizacional {estrutura} não está vinculada ao repositório de estruturas {repositorio}.",
    )
    # --- sandbox range (the real code is not public) ---
    CERTIFICADO_AUSENTE = _Spec(
        "0901",
        403,
        "Transação não autorizada: nenhum certificado digital de cliente foi apresentado (TLS mútuo).",
    )
    CERTIFICADO_NAO_RECONHECIDO = _Spec(
        "0902",
        403,
        "Transação não autorizada devido a falta de integridade do seu certificado com common name {cn}: "
        "{detalhe}",
    )
    NAO_AUTORIZADO = _Spec("0903", 403, "O sistema {sistema} não pode {acao}.")
    TRAMITE_NAO_ENCONTRADO = _Spec("0904", 404, "Trâmite com IDT {IDT} não encontrado.")
    SITUACAO_NAO_PERMITE = _Spec(
        "0905",
        500,
        "Operação '{operacao}' não permitida para o trâmite {IDT} na situação atual ({situacao} - {descricao}).",
    )
    TICKET_INVALIDO = _Spec("0906", 500, "Ticket de envio de componentes {ticket} inválido ou já encerrado.")
    COMPONENTE_NAO_SOLICITADO = _Spec(
        "0907",
        500,
        "O componente digital de hash '{hash}' não foi solicitado para o protocolo '{protocolo}' neste ticket.",
    )
    PARTE_ULTRAPASSA = _Spec(
        "0908",
        500,
        "A parte informada ultrapassa o tamanho do componente digital informado nos metadados do trâmite",
    )
    HASH_NAO_CONFERE = _Spec(
        "0909",
        500,
        "O hash do componente digital recebido ({calculado}) não confere com o informado nos metadados "
        "({informado}).",
    )
    TAMANHO_NAO_CONFERE = _Spec(
        "0910",
        500,
        "O componente digital de hash '{hash}' tem {recebido} bytes, mas os metadados informam {informado}.",
    )
    PARTES_INCOMPLETAS = _Spec(
        "0911",
        500,
        "As partes recebidas do componente digital '{hash}' não cobrem todo o arquivo: faltam os intervalos "
        "{faltam}.",
    )
    COMPONENTES_PENDENTES = _Spec(
        "0912", 500, "Trâmite com idt, {IDT}, ainda não recebeu todos os componentes digitais"
    )
    COMPONENTE_NAO_ENCONTRADO = _Spec(
        "0913",
        500,
        "Componente digital de hash '{hash}' não encontrado no protocolo '{protocolo}' do trâmite {IDT}.",
    )
    INTERVALO_INVALIDO = _Spec(
        "0914", 500, "Intervalo de bytes inválido: {inicio}-{fim} (use [inicio,fim[ com 0 <= inicio < fim)."
    )
    # Same code as a malformed range, but saying what is wrong: the bytes sent do not fill [inicio,fim[.
    PARTE_TAMANHO_DIVERGENTE = _Spec(
        "0914",
        500,
        "A parte {inicio}-{fim} do componente digital '{hash}' deveria ter {esperado} bytes (fim − inicio; "
        "fim é exclusivo), mas o conteúdo enviado tem {recebido} bytes. Envie exatamente os bytes de "
        "inicio a fim − 1.",
    )
    RECIBO_INDISPONIVEL = _Spec(
        "0915", 500, "O recibo de conclusão do trâmite {IDT} ainda não foi enviado pelo destinatário."
    )
    NRE_DESCONHECIDO = _Spec(
        "0916", 500, "NRE '{NRE}' não encontrado: omita o NRE no primeiro trâmite do processo."
    )
    SEM_TRAMITE_PARA_DESTINATARIO = _Spec(
        "0917",
        500,
        "O NRE '{NRE}' não tem trâmite para o destinatário {repositorio}/{estrutura}: não há o que reproduzir.",
    )
    # Real texts (reference §2.15, mod-sei-pen reproduzirUltimoTramite); the real codes are not shown.
    TRAMITE_EM_ANDAMENTO_DESTINATARIO = _Spec(
        "0918", 500, "NRE, '{NRE}', já possui trâmite em andamento para este destinatário"
    )
    REPRODUCAO_SEM_COMPONENTES = _Spec(
        "0919",
        500,
        "Não é possível executar o serviço de reprodução de trâmite do processo {protocolo}, pois não há "
        "componentes digitais válidos a serem reproduzidos",
    )
    SERVICO_INDISPONIVEL = _Spec("0999", 503, "Serviço temporariamente indisponível: {detalhe}")

    @property
    def codigo(self) -> str:
        return self.value.codigo

    @property
    def status(self) -> int:
        return self.value.status


class TramitaError(Exception):
    """An error the API answers in the real format."""

    def __init__(self, erro: Erro, **params: object) -> None:
        self.erro = erro
        self.params = params
        self.mensagem = erro.value.template.format(**params)
        super().__init__(f"{erro.codigo}: {self.mensagem}")

    @property
    def status(self) -> int:
        return self.erro.status

    def body(self) -> dict:
        return {"codigoErro": self.erro.codigo, "mensagem": self.mensagem}


def validation_error(problems: list[str]) -> TramitaError:
    """0001 listing every failing field: ``- campo mensagem.`` one after the other (the real style)."""
    text = " ".join(f"- {p.rstrip('.')}." for p in problems)
    return TramitaError(Erro.VALIDACAO, erros=text)
