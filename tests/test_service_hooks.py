"""The explicit service interface: every app.py exports ServiceHooks; what on_startup opens, on_shutdown closes."""

from __future__ import annotations

import pytest

from login_mock.app import create_app as create_login
from sandbox_kernel.serve import service_hooks
from sandbox_kernel.services import SERVICES, ServiceHooks


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_exports_its_hooks(name):
    assert isinstance(service_hooks(SERVICES[name]), ServiceHooks)


async def test_login_closes_its_registry_client_on_shutdown(sandbox_settings):
    app = create_login(sandbox_settings)
    async with app.router.lifespan_context(app):
        registry_http = app.state.login.registry._http
        assert not registry_http.is_closed
    assert registry_http.is_closed
