"""Alembic environment: runs only on the connection :mod:`recipro_desktop.storage.migrate` hands over.

There is no ``alembic.ini`` and no URL: the journal is encrypted and its key never leaves the process, so
the migrator opens the connection (with the key and pragmas), switches foreign keys off, begins the one
transaction and passes the connection in ``config.attributes["connection"]``. This file refuses to run any
other way, and refuses to run with foreign keys on (a batch migration would cascade-delete, RELIABILITY D4).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from recipro_desktop.storage.migrate import include_object
from recipro_desktop.storage.tables import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("Recipro migrations run only through recipro_desktop.storage.migrate.upgrade().")
if connection.exec_driver_sql("PRAGMA foreign_keys").scalar() != 0:
    raise RuntimeError("Migrations must run with foreign keys off (batch table copies would cascade).")
if not connection.in_transaction():
    raise RuntimeError("Migrations must run inside the migrator's transaction.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transactional_ddl=True,
    include_object=include_object,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
