"""Event payload models, one module per service. Importing this package fills the catalog."""

from . import assinatura, common, console, faults, login, registry, tramita  # noqa: F401
