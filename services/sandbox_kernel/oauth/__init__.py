"""The OAuth 2.0 authorization-code core shared by login_mock (Acesso GOV.BR) and assinatura_mock (ITI CAS).

``domain``: pure rules (client authentication, code checks, PKCE, the typed refusal); ``store``: the code,
token and pending-authorization tables with the atomic single-use claim; ``http``: reading a token request
off a Starlette request. Each emulator keeps only its own wire format (bodies, errors, pages).
"""
