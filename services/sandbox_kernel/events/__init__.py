"""Events: the typed catalog, the CloudEvents envelope, topics, the transactional outbox and its relay."""

from . import models  # noqa: F401  (importing the models fills the catalog)
