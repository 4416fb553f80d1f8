"""Emula o Acesso GOV.BR (Login Único, OpenID Connect): substitui sso.staging.acesso.gov.br e api.staging.acesso.gov.br."""
