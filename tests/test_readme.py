"""The README's settings table lists every setting the code reads."""

from __future__ import annotations

from pathlib import Path

from sandbox_kernel.settings import Settings

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_every_setting_is_in_the_readme_table():
    for name in Settings.model_fields:
        env = "KAFKA_BOOTSTRAP_SERVERS" if name == "kafka_bootstrap_servers" else f"SANDBOX_{name.upper()}"
        assert f"| `{env}` |" in README, f"{env} missing from the README settings table"


def test_readme_has_the_two_commands():
    assert "pip install -e . && govbr-sandbox up" in README
    assert "pip install -e '.[test]' && pytest" in README
