"""Reading the weekly report back (page and XLSX), and the figures worked out again from the raw rows."""

import io
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from openpyxl import load_workbook

from clearance.models import Asset, Case, StageEvent
from clearance.weekly.columns import COLUMNS

URL = reverse("clearance:weekly_report")
Kind = StageEvent.Kind
KEYS = [column.key for column in COLUMNS]
# Registry figures in the report, by column: the independent sums below use the same names.
FIGURE_KEYS = (
    "area_ha",
    "cases",
    "counted",
    "counted_ha",
    "approved",
    "approved_ha",
    "approved_vnd",
    "paid",
    "paid_vnd",
    "handed_over",
    "handed_over_ha",
    "handed_over_area_pct",
    "remaining",
    "remaining_ha",
    "graves_relocated",
    "graves_remaining",
    "plots_allocated",
    "compulsory",
    "enforced",
)
CHANGE_KEYS = {
    "counted_change": "counted",
    "paid_change": "paid",
    "paid_vnd_change": "paid_vnd",
    "handed_over_ha_change": "handed_over_ha",
}
M2_PER_HA = Decimal(10000)


def hundredths(value):
    # Half up, as people round on paper (and as zones.units does); quantize alone rounds half to even.
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- the figures, from the raw rows, one case at a time ----------------------------------------


def case_figures(case, day):
    """What one case adds to the report as of `day`, read from its own rows without any SQL sum."""
    events = {event.kind: event.happened_on for event in case.events.all()}

    def done(kind):
        return kind in events and events[kind] <= day

    m2 = sum((parcel.recovered_area_m2 for parcel in case.parcels.all()), Decimal(0))
    graves = sum((asset.quantity for asset in case.assets.all() if asset.kind == Asset.Kind.GRAVE), Decimal(0))
    return {
        "cases": 1,
        "synthetic": int(case.is_synthetic),
        "area_m2": m2,
        "counted": int(done(Kind.INVENTORY)),
        "counted_m2": m2 if done(Kind.INVENTORY) else 0,
        "approved": int(done(Kind.PLAN_APPROVED)),
        "approved_m2": m2 if done(Kind.PLAN_APPROVED) else 0,
        "approved_vnd": sum(item.amount_vnd for item in case.compensation.all()) if done(Kind.PLAN_APPROVED) else 0,
        "paid": int(done(Kind.PAID)),
        "paid_vnd": sum(payment.amount_vnd for payment in case.payments.all() if payment.paid_on <= day),
        "handed_over": int(done(Kind.HANDED_OVER)),
        "handed_over_m2": m2 if done(Kind.HANDED_OVER) else 0,
        "graves": graves,
        "graves_relocated": graves if done(Kind.HANDED_OVER) else 0,
        "plots_allocated": sum(1 for plot in case.resettlement_plots.all() if plot.allocated_on <= day),
        "compulsory": int(done(Kind.COMPULSORY_INVENTORY)),
        "enforced": int(done(Kind.ENFORCEMENT)),
    }


def report_figures(sums):
    """The report's columns from summed case figures."""
    area = sums["area_m2"]
    return {
        "area_ha": hundredths(area / M2_PER_HA),
        "cases": sums["cases"],
        "counted": sums["counted"],
        "counted_ha": hundredths(sums["counted_m2"] / M2_PER_HA),
        "approved": sums["approved"],
        "approved_ha": hundredths(sums["approved_m2"] / M2_PER_HA),
        "approved_vnd": sums["approved_vnd"],
        "paid": sums["paid"],
        "paid_vnd": sums["paid_vnd"],
        "handed_over": sums["handed_over"],
        "handed_over_ha": hundredths(sums["handed_over_m2"] / M2_PER_HA),
        "handed_over_area_pct": (
            (Decimal(sums["handed_over_m2"]) * 100 / area).quantize(Decimal("0.1")) if area else None
        ),
        "remaining": sums["cases"] - sums["handed_over"],
        "remaining_ha": hundredths((area - sums["handed_over_m2"]) / M2_PER_HA),
        "graves_relocated": sums["graves_relocated"],
        "graves_remaining": sums["graves"] - sums["graves_relocated"],
        "plots_allocated": sums["plots_allocated"],
        "compulsory": sums["compulsory"],
        "enforced": sums["enforced"],
        "synthetic": sums["synthetic"],
    }


def expected_rows(cases, day, previous_day):
    """{(phase_id, unit_id): figures} for commune rows, (phase_id, None) for subtotals, (None, None) the total;
    each with the change since `previous_day` for the four figures the report follows."""
    sums = {}
    for case in Case.objects.filter(pk__in=[case.pk for case in cases]).prefetch_related(
        "events", "parcels", "assets", "compensation", "payments", "resettlement_plots"
    ):
        for key in ((case.phase_id, case.unit_id), (case.phase_id, None), (None, None)):
            for when, value in ((day, case_figures(case, day)), (previous_day, case_figures(case, previous_day))):
                bucket = sums.setdefault(key, {}).setdefault(when, defaultdict(int))
                for name, amount in value.items():
                    bucket[name] += amount
    result = {}
    for key, by_day in sums.items():
        now, before = report_figures(by_day[day]), report_figures(by_day[previous_day])
        for change, name in CHANGE_KEYS.items():
            now[change] = now[name] - before[name]
        result[key] = now
    return result


# --- reading the page -----------------------------------------------------------------------------


def page_rows(html):
    """{(phase_id, unit_id): {column key: cell text}} with (phase_id, None) for subtotals, (None, None) the total."""
    tbody = re.search(r"<tbody>(.*?)</tbody>", html, flags=re.S)
    rows = {}
    if tbody is None:
        return rows
    for attributes, cells in re.findall(r"<tr ([^>]*)>(.*?)</tr>", tbody.group(1), flags=re.S):
        phase = re.search(r'data-phase="(\d+)"', attributes)
        unit = re.search(r'data-unit="(\d+)"', attributes)
        key = (int(phase.group(1)) if phase else None, int(unit.group(1)) if unit else None)
        texts = [
            "\n".join(re.sub(r"\s+", " ", line).strip() for line in text.split("<br>"))
            for text in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", cells, flags=re.S)
        ]
        assert len(texts) == len(KEYS)
        rows[key] = dict(zip(KEYS, texts, strict=True))
    return rows


def page_number(text):
    """A figure as the Vietnamese page writes it (1.234,56 · +3 · 38,7 % · —) back to a number."""
    if text == "—":
        return None
    text = text.removesuffix("%").strip().removeprefix("+").replace(".", "").replace(",", ".")
    return Decimal(text)


# --- reading the XLSX -----------------------------------------------------------------------------


def workbook_of(response):
    return load_workbook(io.BytesIO(response.content)).active


def heading_row(sheet):
    """The number of the first heading row: the row whose first cell starts the table."""
    for row in sheet.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        if cell.row > 1 and cell.value is not None and sheet.cell(row=cell.row + 1, column=2).value is not None:
            return cell.row
    raise AssertionError("no heading in the sheet")


def sheet_rows(sheet):
    """[{column key: cell}] of every row below the heading, in order."""
    first = heading_row(sheet) + 2
    rows = []
    for cells in sheet.iter_rows(min_row=first):
        if all(cell.value is None for cell in cells):
            continue
        rows.append(dict(zip(KEYS, cells, strict=True)))
    return rows
