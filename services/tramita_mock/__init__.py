"""Emula o Tramita GOV.BR (ex-Barramento PEN), API REST v3: substitui homolog.api.processoeletronico.gov.br."""
