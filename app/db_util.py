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
