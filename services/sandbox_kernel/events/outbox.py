"""Transactional outbox: an event row is written in the same transaction as the state change it describes.

Nothing reaches Kafka unless the transaction committed, and nothing committed is lost: the relay
(``relay.py``) publishes rows in ``seq`` order and marks them delivered only after the broker acknowledged.

The outbox is also the durable log. Delivered rows are kept for a retention window, each marked with the
broker incarnation (Kafka cluster id) that holds it; when the relay meets another incarnation (the in-memory
embedded broker after a restart), rows delivered elsewhere are rewound and published again, in ``seq``
order, with their original CloudEvent ``id``. ``OutboxLog`` holds those queries.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    event,
    insert,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .. import correlation
from .catalog import EventData, catalog
from .envelope import EventRecord
from .topics import topic_for

SEQ_TYPE = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER keys only


def outbox_table(metadata: MetaData, service: str) -> Table:
    name = f"{service}_outbox"
    return Table(
        name,
        metadata,
        Column("seq", SEQ_TYPE, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("topic", String(255), nullable=False),
        Column("key", String(255), nullable=False),
        Column("type", String(255), nullable=False),
        Column("source", String(255), nullable=False),
        Column("subject", String(255)),
        Column("ente", String(16)),
        Column("correlationid", String(128)),
        Column("time", DateTime(timezone=True), nullable=False),
        Column("data", JSON, nullable=False),
        Column("delivered_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, default=0),
        # the broker incarnation (cluster id) that acknowledged the row; NULL while pending
        Column("delivered_to", String(128)),
        # wall-clock time of the commit (``time`` may follow an ente's virtual clock): backlog age
        Column("queued_at", DateTime(timezone=True)),
        Index(f"ix_{name}_pending", "delivered_at", "seq"),
    )


# Columns added after the first release, created on start in outboxes that predate them.
_ADDED_COLUMNS = {"delivered_to": "VARCHAR(128)", "queued_at": "TIMESTAMP WITH TIME ZONE"}


def record_from_row(row) -> EventRecord:
    # Positional unpacking: attribute access on Row costs more than the rest of the relay's bookkeeping.
    _seq, event_id, topic, key, type_, source, subject, ente, correlationid, time, data, *_ = row
    return EventRecord(
        id=event_id,
        topic=topic,
        key=key,
        type=type_,
        source=source,
        subject=subject,
        time=time if time.tzinfo else time.replace(tzinfo=UTC),  # SQLite drops the zone
        correlationid=correlationid,
        ente=ente,
        data=data,
    )


class Outbox:
    """Writes events of one service into its outbox table, inside the caller's transaction."""

    def __init__(self, service: str, table: Table, namespace: str = "") -> None:
        self.service = service
        self.table = table
        self.namespace = namespace

    def topic(self, ente: str | None) -> str:
        return topic_for(self.service, ente, self.namespace)

    def source(self, ente: str | None) -> str:
        return f"/govbr-sandbox/{self.service}/{ente or 'sandbox'}"

    def emit(
        self,
        session: AsyncSession | Session,
        data: EventData,
        *,
        key: str,
        subject: str | None = None,
        ente: str | None = None,
    ) -> str:
        """Add one event to the session's transaction; returns its CloudEvent id.

        Rows are buffered on the session and inserted in one statement just before it commits,
        so they are part of the same transaction as the state change; a rollback drops them.
        """
        spec = catalog.spec_for(self.service, type(data))
        event_id = str(uuid.uuid4())
        now = datetime.now(UTC)
        sync_session = session.sync_session if isinstance(session, AsyncSession) else session
        sync_session.info.setdefault(_PENDING, []).append(
            (
                self.table,
                dict(
                    event_id=event_id,
                    topic=self.topic(ente),
                    key=key,
                    type=spec.type,
                    source=self.source(ente),
                    subject=subject,
                    ente=ente,
                    correlationid=correlation.current(),
                    time=now,
                    queued_at=now,
                    data=data.model_dump(mode="json"),
                    attempts=0,
                ),
            )
        )
        return event_id


_PENDING = "govbr_sandbox_outbox_rows"


@event.listens_for(Session, "before_commit")
def _write_pending_events(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    by_table: dict[Table, list[dict]] = {}
    for table, row in pending:
        by_table.setdefault(table, []).append(row)
    for table, rows in by_table.items():
        session.execute(insert(table), rows)


@event.listens_for(Session, "after_rollback")
def _drop_pending_events(session: Session) -> None:
    session.info.pop(_PENDING, None)
