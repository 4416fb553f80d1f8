"""Espécies documentais (reference §2.14): codes 1–186 plus 999.

Names 1–177 are the seed list of mod-sei-pen (``sei_atualizar_versao_modulo_pen.php``); 180 and 186 are
named in the reference. The names of 178, 179 and 181–185 are not in any public source we have read:
they are labelled as such instead of being invented. The live platform list is authoritative.
"""

from __future__ import annotations

_NAMES_1_177 = (
    "Abaixo-assinado|Acórdão|Acordo|Alvará|Anais|Anteprojeto|Apólice|Apostila|Ata|Atestado|Ato|Auto|Aviso|"
    "Balancete|Balanço|Bilhete|Boletim|Carta|Cartaz|Cédula|Certidão|Certificado|Cheque|Comprovante|"
    "Comunicado|Consulta|Contracheque|Contrato|Convênio|Convite|Convenção|Crachá|Cronograma|Currículo|"
    "Debênture|Decisão|Declaração|Decreto|Deliberação|Demonstrativo|Depoimento|Despacho|Diário|Diploma|"
    "Diretriz|Dissertação|Dossiê|Edital|E-mail|Embargos|Emenda|Escala|Escritura|Estatuto|"
    "Exposição de Motivos|Extrato|Fatura|Ficha|Fluxograma|Folha|Folheto/Folder|Formulário|Grade Curricular|"
    "Guia|Histórico|Indicação|Informe|Instrução|Inventário|Laudo|Lei|Lista/Listagem|Livro|Mandado|Manifesto|"
    "Manual|Mapa|Medida Provisória|Memorando|Memorando-circular|Memorial|Mensagem|Minuta|Moção|Norma|Nota|"
    "Notificação|Ofício|Ofício-Circular|Orçamento|Ordem|Organograma|Orientação|Panfleto|Parecer|Passaporte|"
    "Pauta|Petição|Planilha|Plano|Planta|Portaria|Precatório|Processo|Procuração|Programa|Projeto|Prontuário|"
    "Pronunciamento|Proposta|Prospecto|Protocolo|Prova|Questionário|Receita|Recibo|Recurso|Regimento|"
    "Registro|Regulamento|Relação|Relatório|Release|Representação|Requerimento|Requisição|Resolução|Resumo|"
    "Roteiro|Sentença|Sinopse|Solicitação|Súmula|Tabela|Telegrama|Termo|Tese|Testamento|Título|Voto|"
    "Carteira|Cartão|CPF/CIC|CNPJ|Calendário|CNH|RG|Agenda|Análise|Anotação|Áudio|Boleto|Conta|"
    "Contrarrazões|Correspondência|Cota|Credencial|Croqui|Defesa|Demonstração|Denúncia|Esclarecimento|"
    "Escrituração|Estratégia|Impugnação|Informação|Intenção|Licença|Matéria|Material|Memória|Movimentação|"
    "Pedido|Reclamação|Referendo|Resultado|Vídeo"
).split("|")
assert len(_NAMES_1_177) == 177

ESPECIES: dict[int, str] = {i + 1: name for i, name in enumerate(_NAMES_1_177)}
for _code in range(178, 187):
    ESPECIES[_code] = f"Espécie {_code} (nome não publicado)"
ESPECIES[180] = "Documento"
ESPECIES[186] = "Estudo"
ESPECIES[999] = "Outra"


def valid_especie(code: object) -> bool:
    try:
        return int(str(code)) in ESPECIES
    except ValueError:
        return False
