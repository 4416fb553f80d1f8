"""Event payload models, one module per service. Importing this package fills the catalog."""

from . import assinatura, common, console, login, registry, tramita  # noqa: F401
