"""One settings pattern: kernel Settings plus each service's own, seen by as_env, info and the CLI."""

from __future__ import annotations

import pytest

from login_mock.settings import LoginSettings
from registry.settings import RegistrySettings
from sandbox_kernel.errors import SandboxConfigError
from sandbox_kernel.settings import Settings, load_settings


def test_service_settings_given_explicitly_travel_to_a_child_process(monkeypatch, tmp_path):
    extra = tmp_path / "extra.yaml"
    settings = Settings(login_port=9999).with_services(
        LoginSettings(code_ttl=7), RegistrySettings(personas_file=extra)
    )
    env = settings.as_env()
    assert env["SANDBOX_LOGIN_PORT"] == "9999"
    assert env["SANDBOX_LOGIN_CODE_TTL"] == "7"
    assert env["SANDBOX_PERSONAS_FILE"] == str(extra)
    assert "SANDBOX_ADMIN_TOKEN" not in env  # unset settings stay unset
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    child = Settings()
    assert child.of(LoginSettings).code_ttl == 7
    assert child.of(RegistrySettings).personas_file == extra
    assert child.login_port == 9999


def test_service_settings_come_from_the_environment_unless_given(monkeypatch):
    monkeypatch.setenv("SANDBOX_LOGIN_KID", "chave2")
    settings = Settings()
    assert settings.of(LoginSettings).kid == "chave2"
    assert settings.with_services(LoginSettings(kid="outra")).of(LoginSettings).kid == "outra"
    assert settings.of(LoginSettings).kid == "chave2"  # the copy did not change the original


def test_a_bad_service_setting_is_one_line_naming_the_variable(monkeypatch):
    monkeypatch.setenv("SANDBOX_LOGIN_CODE_TTL", "1")
    with pytest.raises(SandboxConfigError) as caught:
        load_settings()
    assert "SANDBOX_LOGIN_CODE_TTL" in str(caught.value)
