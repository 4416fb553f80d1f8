"""Default ports stay clear of the ports client applications usually take."""

from sandbox_kernel.services import SERVICES
from sandbox_kernel.settings import Settings

CLIENT_APP_PORTS = {80, 443, 3000, 5000, 8000, 8080, 8443}


def test_default_ports_are_one_block_off_the_usual_client_ports(monkeypatch):
    for name in SERVICES:
        monkeypatch.delenv(f"SANDBOX_{name.upper()}_PORT", raising=False)
    settings = Settings()
    ports = [settings.port_of(name) for name in SERVICES]
    assert len(set(ports)) == len(ports)
    assert not set(ports) & CLIENT_APP_PORTS
    assert all(8180 <= port <= 8189 for port in ports)
