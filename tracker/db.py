"""The SQLAlchemy extension, the declarative base and shared column types."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeAlias

import flask_sqlalchemy.model
import flask_sqlalchemy.session
import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, scoped_session

# Constraint names are stable across databases, so migrations can drop and alter them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The base class of every model. Flask-SQLAlchemy builds `db.Model` at run time, from Base's body
# and its own Model mixin, and a type checker cannot follow that; it is told the same in a class
# statement.
if TYPE_CHECKING:

    class Model(flask_sqlalchemy.model.Model, Base):
        __abstract__ = True

else:
    Model = db.Model

# The session a service works in (`session: Session`): a plain SQLAlchemy session, or what views
# and commands pass, `db.session`, Flask-SQLAlchemy's proxy to the current app context's session.
# The proxy forwards every Session method, but it is no Session to a type checker; the union says
# both are fine, rather than have every caller unwrap the proxy first.
Session: TypeAlias = sa.orm.Session | scoped_session[flask_sqlalchemy.session.Session]

# JSON on every database, stored as JSONB on PostgreSQL.
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(sa.TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python, also on SQLite."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def enum_column(enum_cls: type, name: str) -> sa.Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint, storing the members' values."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class AppendOnly:
    """Mixin for records written once and never changed: the audit trail, the ledger and its
    snapshots, answer revisions, workflow transitions, due-date extensions.

    The session refuses to flush an update or a delete of one, so that no code path can rewrite
    history by accident; audit events are also protected by database triggers
    (tracker.audit.append_only), and the ledger by its hash chain.
    """


class AppendOnlyViolation(RuntimeError):
    """Code tried to change or delete an append-only record."""


def _columns_changed(obj: object) -> list[str]:
    state = sa.inspect(obj)
    return [
        attr.key
        for attr in state.mapper.column_attrs
        if state.attrs[attr.key].history.has_changes()
    ]


@sa.event.listens_for(sa.orm.Session, "before_flush")
def _refuse_changes_to_append_only(session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, AppendOnly):
            raise AppendOnlyViolation(f"{type(obj).__name__} records cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, AppendOnly) and (changed := _columns_changed(obj)):
            raise AppendOnlyViolation(
                f"{type(obj).__name__} records cannot be changed (tried: {', '.join(changed)})"
            )
