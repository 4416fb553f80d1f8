"""Logging that says what happened, and never what must stay secret.

uvicorn's access log prints the full request target; real clients put secrets in query strings
(the official Acesso GOV.BR Java example sends client_secret on the URL of POST /token), so those
values are masked before any handler sees them.
"""

from __future__ import annotations

import logging
import re

SECRET_PARAMS = (
    "client_secret",
    "code",
    "code_verifier",
    "access_token",
    "id_token",
    "refresh_token",
    "token",
    "password",
    "senha",
    "assertion",
    "client_assertion",
)
_SECRET_QUERY = re.compile(rf"(?<=[?&])({'|'.join(SECRET_PARAMS)})=[^&\s]*", re.IGNORECASE)


def redact(text: str) -> str:
    return _SECRET_QUERY.sub(lambda m: f"{m.group(1)}=***", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def log_config(level: str) -> dict:
    """dictConfig for uvicorn and our loggers: one plain line per record, secrets masked."""
    fmt = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": RedactSecrets}},
        "formatters": {"plain": {"format": fmt, "datefmt": "%H:%M:%S"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["redact"],
                "stream": "ext://sys.stdout",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stdout"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": ["stdout"], "level": level.upper(), "propagate": False},
            "govbr_sandbox": {"handlers": ["stdout"], "level": level.upper(), "propagate": False},
            "aiokafka": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
        },
    }
