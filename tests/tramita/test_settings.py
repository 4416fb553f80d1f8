"""One source of truth for HTTPS: the URL the sandbox prints and what tramita serves read the same setting."""

from __future__ import annotations

import pytest

from sandbox_kernel.services import SERVICES
from sandbox_kernel.settings import Settings
from tramita_mock.app import uvicorn_options
from tramita_mock.settings import TramitaSettings


@pytest.mark.parametrize("value", ["off", "false", "0", "no"])
def test_tls_off_is_http_everywhere(value, monkeypatch, tmp_path):
    monkeypatch.setenv("SANDBOX_TRAMITA_TLS", value)
    settings = Settings(data_dir=tmp_path)
    assert TramitaSettings().tls is False
    assert "ssl_certfile" not in uvicorn_options(settings)
    assert SERVICES["tramita"].url(settings).startswith("http://")


def test_tls_on_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("SANDBOX_TRAMITA_TLS", raising=False)
    settings = Settings(data_dir=tmp_path)
    assert SERVICES["tramita"].url(settings).startswith("https://")


def test_given_settings_decide_the_url(tmp_path):
    settings = Settings(data_dir=tmp_path).with_services(TramitaSettings(tls=False))
    assert SERVICES["tramita"].url(settings).startswith("http://")
    assert "ssl_certfile" not in uvicorn_options(settings)
