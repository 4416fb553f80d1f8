"""Thin HTTP routers: translate requests into ``TramitaService`` calls and answers into the real shapes."""
