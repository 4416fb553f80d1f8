"""Shapes of the Tramita REST API shared by the registry (which stores the units) and tramita_mock (which serves
them): one definition, so the directory and the API never drift apart."""

# The keys of a unit in the REST response (reference tramita-govbr.md §5), in the order the real API shows them.
REST_UNIT_FIELDS: tuple[str, ...] = (
    "numeroDeIdentificacaoDaEstrutura",
    "nome",
    "sigla",
    "ativo",
    "unidadeReceptora",
    "aptoParaReceberTramites",
    "codigoNoOrgaoEntidade",
    "codigoUnidadeReceptora",
    "tipoDeTramitacao",
    "hierarquia",
)
