"""Event payload models, one module per service. Importing this package fills the catalog."""

from . import common, registry  # noqa: F401
