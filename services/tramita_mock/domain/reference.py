"""Reference lists served by ``GET hipoteses`` and ``GET motivosUrgencia``.

The real lists are maintained by the PEN team and not published as data; these are sandbox values in
the real shapes (reference §2.14), based on the access-restriction hypotheses of Lei 12.527/2011 (LAI).
One inactive entry lets clients test the ``ativos`` filter.
"""

from __future__ import annotations

HIPOTESES_LEGAIS: list[dict] = [
    {"identificacao": 1, "nome": "Controle Interno", "baseLegal": "Art. 26, § 3º, da Lei nº 10.180/2001",
     "descricao": "Informações de auditoria e controle interno.", "status": True},
    {"identificacao": 2, "nome": "Documento Preparatório", "baseLegal": "Art. 7º, § 3º, da Lei nº 12.527/2011",
     "descricao": "Documento preparatório de decisão ou ato administrativo.", "status": True},
    {"identificacao": 3, "nome": "Informação Pessoal", "baseLegal": "Art. 31 da Lei nº 12.527/2011",
     "descricao": "Informação relativa à intimidade, vida privada, honra e imagem.", "status": True},
    {"identificacao": 4, "nome": "Sigilo Fiscal", "baseLegal": "Art. 198 da Lei nº 5.172/1966",
     "descricao": "Informação protegida por sigilo fiscal.", "status": True},
    {"identificacao": 5, "nome": "Sigilo Bancário", "baseLegal": "Art. 1º da Lei Complementar nº 105/2001",
     "descricao": "Informação protegida por sigilo bancário.", "status": True},
    {"identificacao": 6, "nome": "Segredo de Justiça", "baseLegal": "Art. 189 da Lei nº 13.105/2015",
     "descricao": "Processo ou documento sob segredo de justiça.", "status": True},
    {"identificacao": 7, "nome": "Investigação de Responsabilidade", "baseLegal": "Art. 150 da Lei nº 8.112/1990",
     "descricao": "Processo administrativo disciplinar em curso.", "status": True},
    {"identificacao": 8, "nome": "Hipótese desativada (sandbox)", "baseLegal": "Sandbox",
     "descricao": "Entrada inativa para testar o filtro ativos=false.", "status": False},
]  # fmt: skip

MOTIVOS_URGENCIA: list[str] = [
    "Determinação judicial",
    "Prazo legal",
    "Solicitação de autoridade superior",
    "Risco à saúde ou à vida",
    "Outro",
]
