"""login_mock routers, one module per endpoint family."""
