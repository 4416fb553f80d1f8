"""Trâmite states 0–10 and the transitions of reference §3.2, exactly; anything else is refused.

The domain functions here decide; storage and HTTP live elsewhere. Each transition names its trigger so
an event (and a reader) can say *why* a trâmite moved.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Situacao(IntEnum):
    NAO_INICIADO = 0
    INICIADO = 1
    COMPONENTES_ENVIADOS_REMETENTE = 2
    METADADOS_RECEBIDO_DESTINATARIO = 3
    COMPONENTES_RECEBIDOS_DESTINATARIO = 4
    RECIBO_ENVIADO_DESTINATARIO = 5
    RECIBO_RECEBIDO_REMETENTE = 6
    CANCELADO = 7
    RECUSADO = 8
    CIENCIA_RECUSA = 9
    CANCELADO_AUTOMATICAMENTE = 10


# Official descriptions (FAQ 7.12).
DESCRICOES: dict[Situacao, str] = {
    Situacao.NAO_INICIADO: "Aguardando envio de Metadados",
    Situacao.INICIADO: "Aguardando o envio dos arquivos digitais",
    Situacao.COMPONENTES_ENVIADOS_REMETENTE: "Arquivos digitais recebidos pelo Tramita GOV.BR",
    Situacao.METADADOS_RECEBIDO_DESTINATARIO: "Metadados recebidos pelo sistema de processo eletrônico destinatário",
    Situacao.COMPONENTES_RECEBIDOS_DESTINATARIO: "Arquivos digitais recebidos pelo destinatário",
    Situacao.RECIBO_ENVIADO_DESTINATARIO: "Recibo de conclusão recebido pelo Tramita GOV.BR",
    Situacao.RECIBO_RECEBIDO_REMETENTE: "Recibo de conclusão recebido pelo remetente",
    Situacao.CANCELADO: "Trâmite cancelado",
    Situacao.RECUSADO: "Trâmite recusado. Aguardando ciência do remetente",
    Situacao.CIENCIA_RECUSA: "Ciência da recusa recebido pelo remetente",
    Situacao.CANCELADO_AUTOMATICAMENTE: "Trâmite cancelado automaticamente",
}


class Gatilho(StrEnum):
    """What moved the trâmite (reference §3.2)."""

    ENVIO_METADADOS = "envio_metadados"  # 0 → 1
    COMPONENTES_ENVIADOS = "componentes_enviados"  # 1 → 2
    METADADOS_LIDOS = "metadados_lidos"  # 2 → 3
    COMPONENTES_BAIXADOS = "componentes_baixados"  # 3 → 4
    RECIBO_ENVIADO = "recibo_enviado"  # 4 → 5
    RECIBO_OBTIDO = "recibo_obtido"  # 5 → 6
    CANCELAMENTO = "cancelamento"  # 1–4 → 7
    RECUSA = "recusa"  # 3,4 → 8
    CIENCIA = "ciencia"  # 8 → 9
    EXPIRACAO = "expiracao"  # 1–4 → 10


class Abertura(StrEnum):
    """How a trâmite comes into being outside the arrows of §3.2 (the ``gatilho`` of its first event)."""

    SINCRONIZACAO = "sincronizacao_solicitada"  # GET sincroniza-tramite/{IDT}: a new trâmite at 0


S = Situacao
TRANSITIONS: dict[Gatilho, tuple[frozenset[Situacao], Situacao]] = {
    Gatilho.ENVIO_METADADOS: (frozenset({S.NAO_INICIADO}), S.INICIADO),
    Gatilho.COMPONENTES_ENVIADOS: (frozenset({S.INICIADO}), S.COMPONENTES_ENVIADOS_REMETENTE),
    Gatilho.METADADOS_LIDOS: (
        frozenset({S.COMPONENTES_ENVIADOS_REMETENTE}),
        S.METADADOS_RECEBIDO_DESTINATARIO,
    ),
    Gatilho.COMPONENTES_BAIXADOS: (
        frozenset({S.METADADOS_RECEBIDO_DESTINATARIO}),
        S.COMPONENTES_RECEBIDOS_DESTINATARIO,
    ),
    Gatilho.RECIBO_ENVIADO: (
        frozenset({S.COMPONENTES_RECEBIDOS_DESTINATARIO}),
        S.RECIBO_ENVIADO_DESTINATARIO,
    ),
    Gatilho.RECIBO_OBTIDO: (frozenset({S.RECIBO_ENVIADO_DESTINATARIO}), S.RECIBO_RECEBIDO_REMETENTE),
    Gatilho.CANCELAMENTO: (
        frozenset(
            {
                S.INICIADO,
                S.COMPONENTES_ENVIADOS_REMETENTE,
                S.METADADOS_RECEBIDO_DESTINATARIO,
                S.COMPONENTES_RECEBIDOS_DESTINATARIO,
            }
        ),
        S.CANCELADO,
    ),
    Gatilho.RECUSA: (
        frozenset({S.METADADOS_RECEBIDO_DESTINATARIO, S.COMPONENTES_RECEBIDOS_DESTINATARIO}),
        S.RECUSADO,
    ),
    Gatilho.CIENCIA: (frozenset({S.RECUSADO}), S.CIENCIA_RECUSA),
    Gatilho.EXPIRACAO: (
        frozenset(
            {
                S.INICIADO,
                S.COMPONENTES_ENVIADOS_REMETENTE,
                S.METADADOS_RECEBIDO_DESTINATARIO,
                S.COMPONENTES_RECEBIDOS_DESTINATARIO,
            }
        ),
        S.CANCELADO_AUTOMATICAMENTE,
    ),
}

# A trâmite in one of these is still open: a new trâmite of the same NRE gets 0044.
OPEN: frozenset[Situacao] = frozenset(
    {
        S.INICIADO,
        S.COMPONENTES_ENVIADOS_REMETENTE,
        S.METADADOS_RECEBIDO_DESTINATARIO,
        S.COMPONENTES_RECEBIDOS_DESTINATARIO,
        S.RECIBO_ENVIADO_DESTINATARIO,
        S.RECUSADO,
    }
)
FINAL: frozenset[Situacao] = frozenset(
    {S.RECIBO_RECEBIDO_REMETENTE, S.CANCELADO, S.CIENCIA_RECUSA, S.CANCELADO_AUTOMATICAMENTE}
)
# Who has to act, per situation (reference §4): these appear in tramites/pendentes.
PENDING_FOR_RECIPIENT: frozenset[Situacao] = frozenset(
    {
        S.COMPONENTES_ENVIADOS_REMETENTE,
        S.METADADOS_RECEBIDO_DESTINATARIO,
        S.COMPONENTES_RECEBIDOS_DESTINATARIO,
    }
)
# 0 only exists after a synchronisation request: the sender is asked to send the metadata again.
PENDING_FOR_SENDER: frozenset[Situacao] = frozenset(
    {S.NAO_INICIADO, S.RECIBO_ENVIADO_DESTINATARIO, S.RECUSADO}
)


# The recipient has read the metadata (3) and may read it again and download, up to the conclusion (6).
RECIPIENT_HAS_METADATA: frozenset[Situacao] = frozenset(
    {
        S.METADADOS_RECEBIDO_DESTINATARIO,
        S.COMPONENTES_RECEBIDOS_DESTINATARIO,
        S.RECIBO_ENVIADO_DESTINATARIO,
        S.RECIBO_RECEBIDO_REMETENTE,
    }
)
# While these last, GET tramites lists hashDosComponentesPendentesDeRecebimento (the recipient still downloads).
AWAITING_DOWNLOAD: frozenset[Situacao] = frozenset(
    {S.COMPONENTES_ENVIADOS_REMETENTE, S.METADADOS_RECEBIDO_DESTINATARIO}
)
# Idle trâmites in these are cancelled automatically (→ 10); the same set as the EXPIRACAO arrow.
EXPIRABLE: frozenset[Situacao] = TRANSITIONS[Gatilho.EXPIRACAO][0]

# Refusal motives (reference §3.3); the codes are strings on the wire.
MOTIVOS_RECUSA: dict[str, str] = {
    "01": "Formato de componente digital não suportado",
    "02": "Componente digital corrompido",
    "03": "Falta de componentes digitais",
    "04": "Espécie documental não mapeada no destinatário",
    "99": "Outro",
}


class TransicaoInvalida(Exception):
    def __init__(self, atual: Situacao, gatilho: Gatilho) -> None:
        super().__init__(f"{gatilho.value} não é possível na situação {int(atual)}")
        self.atual = atual
        self.gatilho = gatilho


def can(atual: int, gatilho: Gatilho) -> bool:
    return Situacao(atual) in TRANSITIONS[gatilho][0]


def next_state(atual: int, gatilho: Gatilho) -> Situacao:
    """The situation after ``gatilho``; raises ``TransicaoInvalida`` when §3.2 has no such arrow."""
    allowed, target = TRANSITIONS[gatilho]
    current = Situacao(atual)
    if current not in allowed:
        raise TransicaoInvalida(current, gatilho)
    return target
