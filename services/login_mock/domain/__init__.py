"""The pure core of the Acesso GOV.BR emulator: request rules, claims and token minting (no web framework)."""
