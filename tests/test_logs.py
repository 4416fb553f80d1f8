"""Secrets sent in query strings never reach the logs."""

from __future__ import annotations

import logging

from sandbox_kernel.logs import RedactSecrets, redact


def test_query_secrets_are_masked():
    line = (
        "POST /token?grant_type=authorization_code&code=abc123&client_secret=s3cr3t&code_verifier=v HTTP/1.1"
    )
    masked = redact(line)
    assert "abc123" not in masked and "s3cr3t" not in masked and "code_verifier=***" in masked
    assert "grant_type=authorization_code" in masked


def test_any_token_or_secret_parameter_is_masked():
    jwt = "eyJraWQiOiJyc2ExIn0.eyJzdWIiOiIxIn0.c2ln"
    line = f"GET /logout?id_token_hint={jwt}&post_logout_redirect_uri=https://app/saiu&state=xyz HTTP/1.1"
    masked = redact(line)
    assert jwt not in masked and "id_token_hint=***" in masked
    assert "post_logout_redirect_uri=https://app/saiu" in masked and "state=xyz" in masked
    assert redact("GET /x?refresh_token=r1&client_assertion=a1&Code=c1") == (
        "GET /x?refresh_token=***&client_assertion=***&Code=***"
    )


def test_access_log_record_is_filtered(caplog):
    logger = logging.getLogger("uvicorn.access.test")
    logger.addFilter(RedactSecrets())
    with caplog.at_level(logging.INFO, logger="uvicorn.access.test"):
        logger.info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "POST", "/token?client_secret=hunter2", "1.1", 200
        )
    assert "hunter2" not in caplog.text and "client_secret=***" in caplog.text
