"""The one raw SQL statement that computes each page's main figures: what a page is measured against.

Each is written by hand over the tables, with no ORM, no rows turned into objects and nothing
rendered: a floor for what the page computes, not the page's own queries. Dates are literals
(computed here, never user input) so the same text runs on PostgreSQL and SQLite; the few
differences between the two (day arithmetic, a timestamp's date) go through `Dialect`.
"""

import datetime

from clearance import rules
from clearance.models import Asset, Complaint, ProgressReport, Stage, StageEvent

Kind = StageEvent.Kind
PAGE_SIZE = 50


class Dialect:
    def __init__(self, vendor):
        self.postgresql = vendor == "postgresql"

    def days(self, later, earlier):
        """Whole days from `earlier` to `later` (both dates)."""
        if self.postgresql:
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def created_date(self, column):
        return f"CAST({column} AS date)" if self.postgresql else f"date({column})"

    def greatest(self, a, b):
        return f"GREATEST({a}, {b})" if self.postgresql else f"MAX({a}, {b})"


def literal(day):
    return f"'{day.isoformat()}'"


# Per case: its recovered area, its events' dates pivoted, its plan, its payments and its graves.
# `cases`, when given, is a condition on case_id that narrows each of them before it is grouped.
def parcels(cases="TRUE"):
    return f"SELECT case_id, SUM(recovered_area_m2) AS m2 FROM clearance_landparcel WHERE {cases} GROUP BY case_id"


EVENT_DATES = (
    (Kind.INVENTORY, "counted"),
    (Kind.PLAN_APPROVED, "approved"),
    (Kind.RECOVERY_DECIDED, "decided"),
    (Kind.PAID, "paid"),
    (Kind.HANDED_OVER, "handed_over"),
    (Kind.COMPULSORY_INVENTORY, "compulsory"),
    (Kind.ENFORCEMENT, "enforced"),
)


def events(cases="TRUE"):
    dates = ", ".join(f"MAX(CASE WHEN kind = '{kind}' THEN happened_on END) AS {name}_on" for kind, name in EVENT_DATES)
    return f"SELECT case_id, {dates} FROM clearance_stageevent WHERE {cases} GROUP BY case_id"


def plan(cases="TRUE"):
    return f"SELECT case_id, SUM(amount_vnd) AS vnd FROM clearance_compensationitem WHERE {cases} GROUP BY case_id"


def graves(cases="TRUE"):
    return (
        f"SELECT case_id, SUM(quantity) AS q FROM clearance_asset WHERE kind = '{Asset.Kind.GRAVE}' AND {cases} "
        "GROUP BY case_id"
    )


def payments(day=None, cases="TRUE"):
    dated = f" AND paid_on <= {literal(day)}" if day else ""
    return f"SELECT case_id, SUM(amount_vnd) AS vnd FROM clearance_payment WHERE {cases}{dated} GROUP BY case_id"


def registry_columns(day, suffix=""):
    """The ledger's figures as of `day`: cases, area, counted/approved/paid/handed over (cases, m², VND)."""
    d = literal(day)
    return f"""
        COUNT(*) FILTER (WHERE e.counted_on <= {d}) AS counted{suffix},
        SUM(p.m2) FILTER (WHERE e.counted_on <= {d}) AS counted_m2{suffix},
        COUNT(*) FILTER (WHERE e.approved_on <= {d}) AS approved{suffix},
        SUM(p.m2) FILTER (WHERE e.approved_on <= {d}) AS approved_m2{suffix},
        SUM(pl.vnd) FILTER (WHERE e.approved_on <= {d}) AS approved_vnd{suffix},
        COUNT(*) FILTER (WHERE e.paid_on <= {d}) AS paid{suffix},
        COUNT(*) FILTER (WHERE e.handed_over_on <= {d}) AS handed_over{suffix},
        SUM(p.m2) FILTER (WHERE e.handed_over_on <= {d}) AS handed_over_m2{suffix},
        SUM(g.q) FILTER (WHERE e.handed_over_on <= {d}) AS graves_relocated{suffix},
        COUNT(*) FILTER (WHERE e.compulsory_on <= {d}) AS compulsory{suffix},
        COUNT(*) FILTER (WHERE e.enforced_on <= {d}) AS enforced{suffix}"""


def registry(keys, *, days, cases="TRUE", joins=""):
    """Registry figures of the cases grouped by `keys`, as of each of `days`, in one GROUP BY.

    `cases` narrows the cases (a condition on case_id, pushed into every per-case subquery)."""
    columns = ",".join(registry_columns(day, f"_{i}") for i, day in enumerate(days))
    return f"""
        SELECT {keys}, COUNT(*) AS cases, SUM(CASE WHEN c.is_synthetic THEN 1 ELSE 0 END) AS synthetic,
            SUM(p.m2) AS area_m2, SUM(g.q) AS graves, SUM(pay.vnd) AS paid_vnd, {columns}
        FROM clearance_case c
        LEFT JOIN ({parcels(cases)}) p ON p.case_id = c.id
        LEFT JOIN ({events(cases)}) e ON e.case_id = c.id
        LEFT JOIN ({plan(cases)}) pl ON pl.case_id = c.id
        LEFT JOIN ({graves(cases)}) g ON g.case_id = c.id
        LEFT JOIN ({payments(max(days), cases)}) pay ON pay.case_id = c.id
        {joins}
        WHERE {cases.replace("case_id", "c.id")}
        GROUP BY {keys}"""


def deadlines(dialect, today):
    """Every case with its steps' dates, the day its current stage began, and its worst delay (overdue_by)."""
    t = literal(today)
    decision, payment = rules.RECOVERY_DECISION_DAYS, rules.PAYMENT_DAYS
    decision_elapsed = dialect.days(f"COALESCE(e.decided_on, {t})", "e.approved_on")
    payment_elapsed = dialect.days(f"COALESCE(e.paid_on, {t})", "e.approved_on")
    return f"""
        WITH d AS (
            SELECT c.id, c.phase_id, c.code, c.stage, e.approved_on, e.decided_on, e.paid_on,
                e.compulsory_on, e.enforced_on,
                COALESCE(se.happened_on, {dialect.created_date("c.created_at")}) AS stage_since,
                {decision_elapsed} AS decision_elapsed, {payment_elapsed} AS payment_elapsed,
                {dialect.greatest(f"{decision_elapsed} - {decision}", f"{payment_elapsed} - {payment}")} AS overdue_by
            FROM clearance_case c
            LEFT JOIN ({events()}) e ON e.case_id = c.id
            LEFT JOIN clearance_stageevent se ON se.case_id = c.id AND se.kind = c.stage
        )"""


def flags(today):
    decision_cut = literal(today - datetime.timedelta(days=rules.RECOVERY_DECISION_DAYS))
    payment_cut = literal(today - datetime.timedelta(days=rules.PAYMENT_DAYS))
    return {
        "decision_overdue": f"approved_on < {decision_cut} AND decided_on IS NULL",
        "payment_overdue": f"approved_on < {payment_cut} AND paid_on IS NULL",
        "decision_late": f"decided_on IS NOT NULL AND decision_elapsed > {rules.RECOVERY_DECISION_DAYS}",
        "payment_late": f"paid_on IS NOT NULL AND payment_elapsed > {rules.PAYMENT_DAYS}",
    }


def bottleneck_counts(dialect, today, stuck_days):
    stuck_before = literal(today - datetime.timedelta(days=stuck_days))
    counts = ", ".join(f"COUNT(*) FILTER (WHERE {condition}) AS {name}" for name, condition in flags(today).items())
    return f"""{deadlines(dialect, today)}
        SELECT {counts},
            COUNT(*) FILTER (WHERE stage <> '{Stage.HANDED_OVER}' AND stage_since < {stuck_before}) AS stuck,
            COUNT(*) FILTER (WHERE compulsory_on IS NOT NULL OR enforced_on IS NOT NULL) AS enforcement,
            (SELECT COUNT(*) FROM clearance_complaint WHERE status = '{Complaint.Status.OPEN}') AS complaints
        FROM d"""


def overdue_page(dialect, today):
    condition = " OR ".join(f"({condition})" for condition in flags(today).values())
    return f"""{deadlines(dialect, today)}
        SELECT id, code, overdue_by FROM d WHERE {condition}
        ORDER BY overdue_by DESC, phase_id, code LIMIT {PAGE_SIZE}"""


def stuck_page(dialect, today, stuck_days):
    stuck_before = literal(today - datetime.timedelta(days=stuck_days))
    return f"""{deadlines(dialect, today)}
        SELECT id, code, stage_since FROM d
        WHERE stage <> '{Stage.HANDED_OVER}' AND stage_since < {stuck_before}
        ORDER BY stage_since, phase_id, code LIMIT {PAGE_SIZE}"""


def reported_vs_registry():
    """Each (phase, unit)'s latest accepted report beside the registry of the cases under that unit
    (the unit, its communes, the legacy communes that became it) counted up to the report's date."""
    return f"""
        WITH latest AS (
            SELECT id, phase_id, unit_id, reported_on FROM (
                SELECT id, phase_id, unit_id, reported_on, ROW_NUMBER() OVER (
                    PARTITION BY phase_id, unit_id ORDER BY reported_on DESC, id DESC) AS n
                FROM clearance_progressreport WHERE status = '{ProgressReport.Status.ACCEPTED}') r
            WHERE n = 1),
        cover AS (
            SELECT id AS report_unit, id AS case_unit FROM zones_adminunit
            UNION SELECT parent_id, id FROM zones_adminunit WHERE parent_id IS NOT NULL
            UNION SELECT new_id, old_id FROM zones_unitsuccession)
        SELECT l.id, COUNT(c.id) AS cases, SUM(p.m2) AS area_m2,
            COUNT(c.id) FILTER (WHERE e.counted_on <= l.reported_on) AS counted,
            COUNT(c.id) FILTER (WHERE e.approved_on <= l.reported_on) AS approved,
            SUM(pl.vnd) FILTER (WHERE e.approved_on <= l.reported_on) AS approved_vnd,
            COUNT(c.id) FILTER (WHERE e.paid_on <= l.reported_on) AS paid,
            SUM(p.m2) FILTER (WHERE e.handed_over_on <= l.reported_on) AS handed_over_m2
        FROM latest l
        LEFT JOIN cover ON cover.report_unit = l.unit_id
        LEFT JOIN clearance_case c ON c.phase_id = l.phase_id AND c.unit_id = cover.case_unit
        LEFT JOIN ({parcels()}) p ON p.case_id = c.id
        LEFT JOIN ({events()}) e ON e.case_id = c.id
        LEFT JOIN ({plan()}) pl ON pl.case_id = c.id
        GROUP BY l.id"""


def case_list_page(page, sort_desc=True):
    """The case list sorted by recovered area: one page of it, with the columns the table shows."""
    return f"""
        SELECT c.id, c.code, c.name, c.kind, u.name, pu.name, c.village, c.stage, p.m2, pay.vnd, c.is_synthetic
        FROM clearance_case c
        JOIN zones_adminunit u ON u.id = c.unit_id
        LEFT JOIN zones_adminunit pu ON pu.id = u.parent_id
        LEFT JOIN ({parcels()}) p ON p.case_id = c.id
        LEFT JOIN ({payments()}) pay ON pay.case_id = c.id
        ORDER BY p.m2 {"DESC" if sort_desc else "ASC"}, c.phase_id, c.code
        LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}"""


def case_export():
    """Every case with the case list's columns, in the list's order: what the CSV and XLSX hold."""
    return f"""
        SELECT c.code, c.name, c.kind, u.name, pu.name, c.village, c.stage, p.m2, pay.vnd, c.is_synthetic
        FROM clearance_case c
        JOIN zones_adminunit u ON u.id = c.unit_id
        LEFT JOIN zones_adminunit pu ON pu.id = u.parent_id
        LEFT JOIN ({parcels()}) p ON p.case_id = c.id
        LEFT JOIN ({payments()}) pay ON pay.case_id = c.id
        ORDER BY c.phase_id, c.code"""


def for_pages(vendor, *, today, zone_id, stuck_days):
    """{page name: SQL}; the exports' one is run as COPY … TO STDOUT (see run())."""
    dialect = Dialect(vendor)
    week_monday = today - datetime.timedelta(days=today.weekday())
    sunday, last_sunday = week_monday + datetime.timedelta(days=6), week_monday - datetime.timedelta(days=1)
    return {
        "overview": registry("c.phase_id", days=[today]),
        "zone page": registry(
            "c.phase_id, c.unit_id",
            days=[today],
            cases="case_id IN (SELECT zc.id FROM clearance_case zc JOIN zones_phase ph ON ph.id = zc.phase_id "
            f"WHERE ph.zone_id = {int(zone_id)})",
        ),
        "reported vs registry": reported_vs_registry(),
        "bottlenecks": bottleneck_counts(dialect, today, stuck_days),
        "overdue list": overdue_page(dialect, today),
        "stuck list": stuck_page(dialect, today, stuck_days),
        "by commune": registry("c.phase_id, c.unit_id", days=[today]),
        "by district": registry(
            "c.phase_id, u.parent_id", days=[today], joins="JOIN zones_adminunit u ON u.id = c.unit_id"
        ),
        "weekly report": registry("c.phase_id, c.unit_id", days=[sunday, last_sunday]),
        "case list p5 by area": case_list_page(5),
        "export": case_export(),
    }


class NullSink:
    """Where COPY writes: counts the bytes, keeps nothing."""

    def __init__(self):
        self.bytes = 0

    def write(self, data):
        self.bytes += len(data)


def run(connection, sql, *, copy=False):
    """Run one aggregate to the end; returns the rows read, or for `copy` the bytes COPY wrote.

    COPY … TO STDOUT is PostgreSQL's: on SQLite the same SELECT is read to the end instead.
    """
    with connection.cursor() as cursor:
        if copy and connection.vendor == "postgresql":
            sink = NullSink()
            cursor.copy_expert(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", sink)
            return sink.bytes
        cursor.execute(sql)
        count = 0
        while rows := cursor.fetchmany(2000):
            count += len(rows)
        return count
