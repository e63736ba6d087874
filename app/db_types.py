"""Column types shared by every domain."""

from datetime import UTC
from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

#: The largest value of an ``Integer`` column on PostgreSQL (32 bits; SQLite stores 64). Every id
#: and revision number is such a column, so a larger number names nothing: it must be answered
#: with a 404 before it reaches the database, which refuses it with an error (a 500).
MAX_INTEGER = 2**31 - 1


class UTCDateTime(TypeDecorator):
    """Store naive UTC on every engine; always hand back aware UTC datetimes.

    SQLite has no time zone support, so aware values are normalised before they are stored.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)
