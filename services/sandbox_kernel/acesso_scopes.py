"""The Acesso GOV.BR scopes (reference acesso-govbr.md §3.1): the registry validates clients against them and
login_mock advertises them. One list, so the two never disagree."""

ACESSO_GOVBR_SCOPES: tuple[str, ...] = (
    "openid",
    "email",
    "phone",
    "profile",
    "govbr_confiabilidades",
    "govbr_confiabilidades_idtoken",
    "govbr_empresa",
    "govbr_recupera_certificadox509",
)
