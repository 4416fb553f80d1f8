"""Logging that says what happened, and never what must stay secret.

uvicorn's access log prints the full request target; real clients put secrets in query strings
(the official Acesso GOV.BR Java example sends client_secret on the URL of POST /token), so those
values are masked before any handler sees them.
"""

from __future__ import annotations

import logging
import re
import time

# Any parameter whose name says token, secret or assertion (id_token_hint, client_assertion, ...), and these.
SECRET_PARAMS = ("code", "code_verifier", "password", "senha", "api_key", "chave")
_SECRET_NAME = rf"[\w-]*(?:token|secret|assertion)[\w-]*|{'|'.join(SECRET_PARAMS)}"
_SECRET_QUERY = re.compile(rf"(?<=[?&])({_SECRET_NAME})=[^&\s]*", re.IGNORECASE)


def redact(text: str) -> str:
    return _SECRET_QUERY.sub(lambda m: f"{m.group(1)}=***", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


class RateLimit(logging.Filter):
    """Let one record per message template through every ``seconds``; say how many were held back.

    While the broker restarts, the Kafka client logs a connection error per attempt and per node: a wall of
    identical lines that hides the one line that matters (the relay's own "broker unreachable")."""

    def __init__(self, seconds: float = 30.0) -> None:
        super().__init__()
        self.seconds = seconds
        self._last: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = time.monotonic()
        last, held = self._last.get(key, (0.0, 0))
        if now - last < self.seconds:
            self._last[key] = (last, held + 1)
            return False
        self._last[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} (+{held} semelhantes nos últimos {self.seconds:.0f}s)"
        record.exc_info = None  # a traceback per reconnect attempt says nothing new
        record.exc_text = None
        return True


def log_config(level: str) -> dict:
    """dictConfig for uvicorn and our loggers: one plain line per record, secrets masked."""
    fmt = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact": {"()": RedactSecrets},
            "ratelimit": {"()": RateLimit},
            "quiet_polls": {"()": QuietPolls},
        },
        "formatters": {"plain": {"format": fmt, "datefmt": "%H:%M:%S"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["redact"],
                "stream": "ext://sys.stdout",
            },
            "kafka_client": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["ratelimit", "redact"],
                "stream": "ext://sys.stdout",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["stdout"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {
                "handlers": ["stdout"],
                "filters": ["quiet_polls"],
                "level": level.upper(),
                "propagate": False,
            },
            "govbr_sandbox": {"handlers": ["stdout"], "level": level.upper(), "propagate": False},
            "aiokafka": {"handlers": ["kafka_client"], "level": "ERROR", "propagate": False},
        },
    }


# The sandbox's own polling: every emulator's fault engine reads the registry's overrides a few times a second.
INTERNAL_POLLS = ("/sandbox/registry/overrides",)


class QuietPolls(logging.Filter):
    """Drop uvicorn's access line for a successful (2xx) internal poll; a failing one is still logged.

    uvicorn.access records carry ``(client, method, path with query, http version, status)`` as args."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not isinstance(args, tuple) or len(args) != 5:
            return True
        path, status = str(args[2]).split("?", 1)[0], args[4]
        return not (path in INTERNAL_POLLS and isinstance(status, int) and 200 <= status < 300)
