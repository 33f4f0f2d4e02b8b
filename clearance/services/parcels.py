"""Writing a parcel's land uses: the uses of one parcel add up to its area, old codes kept as written."""

from django.db import transaction

from clearance.land_use import uses_with_areas
from clearance.models import LandParcelUse


@transaction.atomic
def parcel_set_uses(*, parcel, uses, user=None, reason=""):
    """Make the saved `parcel`'s uses exactly `uses`: [(code, area_m2 or None)], areas in m².

    A single use without an area takes the parcel's whole area; several uses need their
    areas, which must add up to the parcel's area. Raises django ValidationError otherwise,
    having written nothing. Uses are kept, resized, added or removed, each with history.
    Returns True when something changed.
    """
    wanted = dict(uses_with_areas(uses, parcel_area_m2=parcel.area_m2))
    stored = {use.land_use_code: use for use in LandParcelUse.objects.select_for_update().filter(parcel=parcel)}
    changed = False
    for code, use in stored.items():
        if code not in wanted:
            use._history_user, use._change_reason = user, reason
            use.delete()
            changed = True
    for code, area in wanted.items():
        use = stored.get(code) or LandParcelUse(parcel=parcel, land_use_code=code)
        if use.pk and use.area_m2 == area:
            continue
        use.area_m2 = area
        use.full_clean()
        use._history_user, use._change_reason = user, reason
        use.save()
        changed = True
    return changed
