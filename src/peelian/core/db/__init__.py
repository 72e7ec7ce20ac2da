"""Database kernel: declarative base, column types, engine and the unit of work."""

from peelian.core.db.base import Base, IdMixin, TimestampMixin, UTCDateTime
from peelian.core.db.session import Database, create_database

__all__ = ["Base", "Database", "IdMixin", "TimestampMixin", "UTCDateTime", "create_database"]
