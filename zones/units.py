"""The one conversion of areas: square metres to hectares, rounded the way the province writes them.

The registry measures land in m² (parcels, Decimal to 0,1 m²); pages, charts, reports and
exports state it in hectares to two decimals. Every hectare figure derived from m² goes through
`m2_to_ha`, so a page and its export never disagree (docs/decisions/0010-area-rounding.md).
Sums are taken in m² and converted once; percentages are computed from the m² themselves.
"""

from decimal import ROUND_HALF_UP, Decimal

M2_PER_HA = Decimal(10000)
# Hectares as reports and pages state them: 127,49 ha.
HA_PLACES = 2


def round_ha(value_ha, places=HA_PLACES):
    """A figure already in hectares, rounded half up to `places` decimals (Decimal), or None for None.

    Half up, not Python's round() (half to even): 0,125 ha is 0,13 ha, as people round on paper.
    """
    if value_ha is None:
        return None
    return Decimal(str(value_ha)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def m2_to_ha(value_m2, places=HA_PLACES):
    """Square metres (Decimal, int or None) as hectares: a Decimal with `places` decimals, rounded half up.

    1.250 m² → Decimal("0.13"); 1.249 m² → Decimal("0.12"); 0 → Decimal("0.00"); None (unknown) → None,
    never 0. `places=None` gives the exact quotient, unrounded: only for drawing (a chart's y
    coordinate), never for a figure a person reads.
    """
    if value_m2 is None:
        return None
    exact = Decimal(str(value_m2)) / M2_PER_HA
    return exact if places is None else round_ha(exact, places)
