"""Database helpers that must behave the same on SQLite and PostgreSQL."""

from sqlalchemy import func
from sqlalchemy import insert as insert_statement
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from app.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert(model, keys: dict, insert_values: dict, update_values: dict, returning: tuple = ()):
    """Insert a row, or update it if a row with ``keys`` exists, in one atomic statement.

    Two concurrent requests for the same row cannot both insert: the database settles it.
    ``update_values`` may hold SQL expressions such as ``Model.count + 1``.

    :param returning: SQL values the statement returns (scalar subqueries too): what the caller
        would otherwise ask in a statement of its own.
    :return: the row of ``returning`` values, if any were asked.
    """
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = insert(model.__table__).values(**keys, **insert_values)
    if update_values:
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=update_values)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    if not returning:
        db.session.execute(statement)
        return None
    return db.session.execute(statement.returning(*returning)).one()


def upsert_if(model, keys: dict, insert_values: dict, update_values: dict, where) -> bool:
    """Insert a row, or update it only if ``where`` holds for the existing row; one statement.

    :return: whether this statement wrote the row. Two concurrent calls cannot both see the old
        row: on PostgreSQL the second waits for the first and tests ``where`` on the row it left,
        on SQLite writes take turns. This is how "only the first time" is decided without a read.
    """
    insert = _INSERTS[db.session.get_bind().dialect.name]
    table = model.__table__
    statement = (
        insert(model.__table__)
        .values(**keys, **insert_values)
        .on_conflict_do_update(index_elements=list(keys), set_=update_values, where=where)
        .returning(*(table.c[name] for name in keys))  # rowcount is not portable for an upsert
    )
    return db.session.execute(statement).first() is not None


def insert_absent(model, values: dict, keys: list[str]) -> bool:
    """Insert a row unless one with the same ``keys`` exists, in one statement; flushes nothing.

    :return: whether this statement inserted it. Two concurrent calls cannot both insert, and the
        second one is not an error: the database settles it (no read first, no IntegrityError).
    """
    return insert_absent_returning(model, values, keys, keys[0]) is not None


def insert_absent_returning(model, values: dict, keys: list[str], column: str):
    """Insert a row unless one with the same ``keys`` exists, like :func:`insert_absent`.

    :return: the new row's ``column`` (its generated id, say), or ``None`` if a row with these
        keys was there: one statement, no savepoint to roll back to.
    """
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = insert(model.__table__).values(**values).on_conflict_do_nothing(index_elements=keys).returning(model.__table__.c[column])
    return db.session.execute(statement).scalar()


def insert_rows(model, rows: list[dict]) -> None:
    """Insert ``rows`` (column values by name, the same names in each) in one statement.

    An ORM flush of as many new objects sends one statement per row when it needs their ids back.
    Sent as one statement with many parameter sets (the driver's ``executemany``) on the table,
    not through the ORM: SQLAlchemy then compiles it once per process, where a multi-row VALUES
    clause is compiled again for every call.
    """
    if rows:
        db.session.execute(insert_statement(model.__table__), rows)


def new_row(instance) -> dict:
    """Return the column values set on a new, unsaved ORM ``instance``, for :func:`insert_rows`."""
    return {attr.key: getattr(instance, attr.key) for attr in inspect(instance).mapper.column_attrs if attr.key in instance.__dict__}


def take_turns(namespace: int, key: int, *, shared: bool = False) -> None:
    """Make the rest of this transaction take turns with the others that name the same lock.

    What this transaction reads after the call is not changed by one of them before it ends, so a
    decision taken from those reads still holds when it is written.

    PostgreSQL: a transaction-level advisory lock on (``namespace``, ``key``); shared ones do not
    wait for each other, only for an exclusive one (and it for them).
    SQLite: the database's write lock, taken now (``BEGIN IMMEDIATE``) unless this transaction
    already writes. The driver opens a transaction only before a write, so without it the reads
    that precede the first write see whatever other connections commit in between. There is one
    write lock, so ``shared`` makes no difference.
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        lock = func.pg_advisory_xact_lock_shared if shared else func.pg_advisory_xact_lock
        connection.execute(select(lock(namespace, key)))
    elif not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
