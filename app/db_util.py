"""Database helpers that must behave the same on SQLite and PostgreSQL."""

from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from app.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert(model, keys: dict, insert_values: dict, update_values: dict) -> None:
    """Insert a row, or update it if a row with ``keys`` exists, in one atomic statement.

    Two concurrent requests for the same row cannot both insert: the database settles it.
    ``update_values`` may hold SQL expressions such as ``Model.count + 1``.
    """
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = insert(model).values(**keys, **insert_values)
    if update_values:
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=update_values)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    db.session.execute(statement)


def upsert_if(model, keys: dict, insert_values: dict, update_values: dict, where) -> bool:
    """Insert a row, or update it only if ``where`` holds for the existing row; one statement.

    :return: whether this statement wrote the row. Two concurrent calls cannot both see the old
        row: on PostgreSQL the second waits for the first and tests ``where`` on the row it left,
        on SQLite writes take turns. This is how "only the first time" is decided without a read.
    """
    insert = _INSERTS[db.session.get_bind().dialect.name]
    table = model.__table__
    statement = (
        insert(model)
        .values(**keys, **insert_values)
        .on_conflict_do_update(index_elements=list(keys), set_=update_values, where=where)
        .returning(*(table.c[name] for name in keys))  # rowcount is not portable for an upsert
    )
    return db.session.execute(statement).first() is not None
