"""The README's settings table lists every setting the code reads: the kernel's and each service's own."""

from __future__ import annotations

from pathlib import Path

from sandbox_kernel.services import SERVICES
from sandbox_kernel.settings import Settings, all_settings_classes, env_names

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_every_setting_is_in_the_readme_table():
    for cls in all_settings_classes():
        for env in env_names(cls).values():
            assert f"| `{env}` |" in README, f"{env} ({cls.__name__}) missing from the README settings table"


def test_every_registered_setting_reaches_info_and_child_processes():
    values = Settings().values()
    expected = {env for cls in all_settings_classes() for env in env_names(cls).values()}
    assert expected <= set(values)
    assert "SANDBOX_LOGIN_CODE_TTL" in values and "SANDBOX_PERSONAS_FILE" in values


def test_every_service_names_a_settings_class():
    missing = [s.package for s in SERVICES.values() if not s.settings]
    # every service registers its own settings (issue #10)
    assert not missing, missing


def test_readme_has_the_two_commands():
    assert "pip install -e . && govbr-sandbox up" in README
    assert "pip install -e '.[test]' && pytest" in README
