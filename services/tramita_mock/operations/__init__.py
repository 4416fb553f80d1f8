"""What happens on each Tramita operation, one module per operation family.

Routers (``routes/``) translate HTTP into these calls; the rules themselves live in ``domain/``:

- ``sending``: ``POST tramites/processo`` and ``tramites/documento`` (0 → 1);
- ``reproduction``: ``reproducoes-de-tramite`` and ``sincroniza-tramite`` (a new trâmite of an NRE);
- ``components``: uploads (1 → 2) and downloads (3 → 4);
- ``receipts``: recibo de envio, conclusion receipt (4 → 5, 5 → 6);
- ``lifecycle``: refusal, ciência, cancel, expiry;
- ``queries``: ``GET tramites``, metadata (2 → 3), pendências;
- ``base``: the transaction, authorisation helpers and ``_move``, the only way a situação changes.
"""

from __future__ import annotations

from .base import Notifier
from .components import Components
from .lifecycle import Lifecycle
from .queries import Queries
from .receipts import Receipts
from .reproduction import Reproduction


class TramitaService(Reproduction, Components, Receipts, Lifecycle, Queries):
    """The Tramita GOV.BR platform behind the REST routers: one instance per app."""


__all__ = ["Notifier", "TramitaService"]
