"""Fault injection per ente: rules (``rules``), the closed lists they use (``catalog``), the engine each
emulator runs (``engine``), the generic middleware (``middleware``) and the id_token faults (``id_token``)."""
