"""Shared kernel of govbr-sandbox: settings, storage, events (CloudEvents + outbox + Kafka relay),
embedded broker, sandbox PKI, the service app factory and the CLI."""

__version__ = "0.1.0"
