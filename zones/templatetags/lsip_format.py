"""Figures as the province writes them: 1.234,5 ha, 291.290.000.000 ₫, dd/mm/yyyy.

Every filter follows the active language's formats (lsip/formats/<lang>/formats.py)
and turns an unknown figure (None) into "—", never into 0.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import formats

from zones.models import Qualifier, Source
from zones.units import m2_to_ha, round_ha

register = template.Library()

UNKNOWN = "—"


def _decimal_places(value):
    """How many decimals a figure really has: 57.00 → 0, 8.50 → 1, 127.49 → 2."""
    text = format(value, "f")
    if "." not in text:
        return 0
    return len(text.split(".")[1].rstrip("0"))


def format_number(value):
    if value is None or value == "":
        return None
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    places = _decimal_places(value)
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _with_unit(value, unit):
    number = format_number(value)
    return UNKNOWN if number is None else f"{number} {unit}"


@register.filter
def num(value):
    """A plain figure with grouping and no trailing zeros: 1.006, 8,5."""
    number = format_number(value)
    return UNKNOWN if number is None else number


@register.filter
def ha(value):
    """Hectares to at most two decimals, rounded half up (zones.units), as reports state them: 127,49 ha."""
    if value is None or value == "":
        return UNKNOWN
    return _with_unit(round_ha(value), "ha")


@register.filter
def m2(value):
    return _with_unit(value, "m²")


@register.filter
def m2_as_ha(value):
    """Square metres shown in hectares, as clearance reports count land."""
    return ha(m2_to_ha(value))


@register.filter
def vnd(value):
    """Whole VND: money has no minor unit."""
    if value is None:
        return UNKNOWN
    return _with_unit(int(value), "₫")


@register.filter
def pct(value):
    if value is None:
        return UNKNOWN
    return _with_unit(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "%")


@register.filter
def qualified(formatted, qualifier):
    """Prefix a formatted figure with how the source states it: "hơn 490", "gần 600 ha"."""
    if formatted in (None, "", UNKNOWN) or not qualifier or qualifier == Qualifier.EXACT:
        return UNKNOWN if formatted in (None, "") else formatted
    try:
        label = Qualifier(qualifier).label
    except ValueError:
        return formatted
    return f"{label} {formatted}"


@register.filter
def source_date(value, precision=Source.Precision.DAY):
    """A date shown only as precisely as the source knows it: 15/03/2024, 03/2024 or 2024."""
    if not isinstance(value, datetime.date):
        return UNKNOWN
    if precision == Source.Precision.YEAR:
        return formats.date_format(value, "Y")
    if precision == Source.Precision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


@register.filter
def share(part, whole):
    """part ÷ whole as a percentage, or None when either is unknown or the whole is zero."""
    if part is None or not whole:
        return None
    return Decimal(str(part)) / Decimal(str(whole)) * 100


@register.filter
def get_item(mapping, key):
    """mapping[key], or None: templates cannot index a dict by a variable."""
    return mapping.get(key) if mapping else None


@register.filter
def share_of(figures, name):
    """A registry count as a share of its affected cases (clearance.read.ledger.Figures.share)."""
    return figures.share(name) if figures else None
