"""Data that is built once per test session and written back, in bulk, into each test that asks for it.

Loading Lạng Sơn's units runs ~3,000 ORM saves and the synthetic demo ~15,000; doing that for every
test that needs them cost most of the suite's time. A `Snapshot` runs the real build once (the same
management commands `make run` uses), keeps the rows it added in memory and rolls the build back.
A test that needs the data gets those rows inserted inside its own transaction, a few multi-row
INSERTs per table, and pytest-django rolls them back with the rest of the test; a test that does not
ask sees an empty database, as before.

A build may only add rows: `Snapshot.take` fails if it changed or deleted a row that was there
before, because replaying the additions would then not give the state the build made.
"""

from django.apps import apps
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction


class SnapshotError(Exception):
    pass


class _Rollback(Exception):
    pass


def _models():
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def _rows(model, using):
    fields = model._meta.concrete_fields
    values = model._base_manager.using(using).order_by("pk").values_list(*(f.attname for f in fields))
    return {row[[f.primary_key for f in fields].index(True)]: row for row in values}


class Snapshot:
    """The rows, per model, that one build added to a database: `{model: [tuple of field values]}`."""

    def __init__(self, rows):
        self.rows = rows
        self._prepared = {}  # database alias: [(sql, params)]

    @classmethod
    def take(cls, build, base=None, using=DEFAULT_DB_ALIAS):
        """Run `build()` inside a transaction, record what it added, and roll it all back.

        `base`, another Snapshot, is restored first: what it holds is not recorded again.
        Raises SnapshotError when the build changed or deleted a row that was there before it.
        """
        added = {}
        try:
            with transaction.atomic(using=using):
                if base is not None:
                    base.restore(using)
                before = {model: _rows(model, using) for model in _models()}
                build()
                for model, old in before.items():
                    new = _rows(model, using)
                    changed = [pk for pk, row in old.items() if new.get(pk) != row]
                    if changed:
                        raise SnapshotError(f"{model._meta.label}: the build changed rows {changed[:5]}")
                    rows = [row for pk, row in new.items() if pk not in old]
                    if rows:
                        added[model] = rows
                raise _Rollback
        except _Rollback:
            pass
        return cls(added)

    def restore(self, using=DEFAULT_DB_ALIAS):
        """Insert the recorded rows, with their primary keys, in one transaction (or savepoint).

        Foreign keys are checked at commit, so tables go in any order. On PostgreSQL the tables'
        sequences are moved past the restored keys, so rows the test creates get new ones.
        """
        connection = connections[using]
        with transaction.atomic(using=using), connection.cursor() as cursor:
            for sql, params in self._statements(connection):
                cursor.execute(sql, params)
            for sql in connection.ops.sequence_reset_sql(no_style(), list(self.rows)):
                cursor.execute(sql)

    def _statements(self, connection):
        """The INSERTs, with their values prepared for the database once and kept for every restore."""
        if connection.alias not in self._prepared:
            statements = []
            for model, rows in self.rows.items():
                fields = model._meta.concrete_fields
                columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
                placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
                # SQLite caps a statement's parameters and a VALUES list's rows; PostgreSQL caps neither.
                batch = min(500, (connection.features.max_query_params or 10**6) // len(fields))
                for start in range(0, len(rows), batch):
                    chunk = rows[start : start + batch]
                    sql = (
                        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
                        f"VALUES {', '.join([placeholder] * len(chunk))}"
                    )
                    params = [
                        f.get_db_prep_save(v, connection) for row in chunk for f, v in zip(fields, row, strict=True)
                    ]
                    if connection.vendor == "postgresql":  # interpolated once, not at every restore
                        with connection.cursor() as cursor:
                            sql, params = cursor.cursor.mogrify(sql, params).decode(), None
                    statements.append((sql, params))
            self._prepared[connection.alias] = statements
        return self._prepared[connection.alias]
