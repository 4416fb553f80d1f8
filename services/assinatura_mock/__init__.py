"""Emula a Assinatura GOV.BR do ITI: substitui cas.staging.iti.br (/oauth2.0/*) e assinatura-api.staging.iti.br (/externo/v2/*)."""
