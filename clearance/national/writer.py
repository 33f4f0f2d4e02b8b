"""Where the national set's rows go: the database in bulk (COPY on PostgreSQL), or nowhere (a dry run).

Rows bypass save(), so nothing fills a field behind the builder's back: `write` refuses a
column list that leaves out a field of the model (a new field must be filled here too).
Nothing is switched off: constraints, foreign keys and indexes apply to every row.
"""

import csv
import io
from collections import Counter

from django.db import connections

from clearance.national.vocabulary import BATCH_SIZE

TEXT_FIELDS = ("CharField", "TextField")


def check_columns(model, columns):
    """Every concrete field of the model, the primary key aside, is in `columns`, and nothing else."""
    fields = {f.attname for f in model._meta.concrete_fields}
    missing = fields - set(columns) - {model._meta.pk.attname}
    unknown = set(columns) - fields
    if missing or unknown:
        raise ValueError(
            f"{model._meta.label}: columns must fill every field; missing {sorted(missing)}, unknown {sorted(unknown)}"
        )


class CountingSink:
    """A dry run: counts what would be written, hands out made-up ids, touches no table."""

    def __init__(self):
        self.counts = Counter()
        self._last_id = Counter()
        self._checked = set()

    def reserve(self, model, count):
        """`count` primary keys for rows of `model` to be written later."""
        start = self._last_id[model]
        self._last_id[model] += count
        return range(start + 1, start + count + 1)

    def write(self, model, columns, rows):
        """Many rows given as tuples in the order of `columns`."""
        if model not in self._checked:
            check_columns(model, columns)
            self._checked.add(model)
        self.counts[model] += len(rows)

    def create(self, model, objects):
        """A few rows given as unsaved instances."""
        self.counts[model] += len(objects)


class DatabaseSink(CountingSink):
    """Writes through one connection: COPY on PostgreSQL for the many rows, bulk_create elsewhere."""

    def __init__(self, using):
        super().__init__()
        self.connection = connections[using]
        self.using = using
        self.postgresql = self.connection.vendor == "postgresql"

    def reserve(self, model, count):
        if not count:
            return range(0)
        table, pk = model._meta.db_table, model._meta.pk.column
        with self.connection.cursor() as cursor:
            if self.postgresql:
                # Drawn from the table's own sequence: no other writer can be handed the same keys.
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count]
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: one writer at a time, and this transaction holds the lock once it has written.
            cursor.execute(
                f"SELECT MAX({self.connection.ops.quote_name(pk)}) FROM {self.connection.ops.quote_name(table)}"
            )
            top = cursor.fetchone()[0] or 0
            if self.connection.vendor == "sqlite":
                # AUTOINCREMENT never hands out a key again, even one whose row was deleted: neither do we.
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                top = max(top, row[0] if row else 0)
        start = max(top, self._last_id[model])
        self._last_id[model] = start + count
        return range(start + 1, start + count + 1)

    def write(self, model, columns, rows):
        super().write(model, columns, rows)
        if not rows:
            return
        if self.postgresql:
            self._copy(model, columns, rows)
        else:
            objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
            model.objects.using(self.using).bulk_create(objects, batch_size=BATCH_SIZE)

    def create(self, model, objects):
        super().create(model, objects)
        if objects:
            model.objects.using(self.using).bulk_create(objects, batch_size=BATCH_SIZE)

    def _copy(self, model, columns, rows):
        """COPY … FROM STDIN in CSV: the csv module writes it in C; empty text stays text, not NULL."""
        fields = {f.attname: f for f in model._meta.concrete_fields}
        quote = self.connection.ops.quote_name
        text = [quote(fields[c].column) for c in columns if fields[c].get_internal_type() in TEXT_FIELDS]
        options = "FORMAT csv" + (f", FORCE_NOT_NULL ({', '.join(text)})" if text else "")
        sql = (
            f"COPY {quote(model._meta.db_table)} ({', '.join(quote(fields[c].column) for c in columns)}) "
            f"FROM STDIN WITH ({options})"
        )
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        buffer.seek(0)
        with self.connection.cursor() as cursor:
            cursor.copy_expert(sql, buffer)

    def analyze(self, models):
        """Fresh planner statistics after a bulk load (PostgreSQL): queries on the new rows plan well."""
        if self.postgresql:
            with self.connection.cursor() as cursor:
                for model in models:
                    cursor.execute(f"ANALYZE {self.connection.ops.quote_name(model._meta.db_table)}")
