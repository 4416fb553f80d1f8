"""pytest plugin and helpers for testing against a real sandbox (registered as the ``govbr_sandbox`` plugin)."""
