"""Every save and delete of what the registry counts notes its phase and commune (clearance.rollups).

Bookkeeping, not business logic: like the history, it must follow every write, whichever path
makes it, so it listens to the models rather than trusting each caller to remember.
"""

from django.db.models.signals import post_delete, post_save, pre_save

from clearance import rollups


def _case_key(case_id):
    from clearance.models import Case

    if case_id is None:
        return None
    return Case.objects.filter(pk=case_id).values_list("phase_id", "unit_id").first()


def _key(instance):
    from clearance.models import Case

    if isinstance(instance, Case):
        return instance.phase_id, instance.unit_id
    case = instance._state.fields_cache.get("case")
    if case is not None and case.pk == instance.case_id:
        return case.phase_id, case.unit_id
    return _case_key(instance.case_id)


def _stored_key(instance):
    """The key the row had before this save: a case moved to another phase or commune, a parcel to another case."""
    from clearance.models import Case

    if instance._state.adding or instance.pk is None:
        return None
    if isinstance(instance, Case):
        return Case.objects.filter(pk=instance.pk).values_list("phase_id", "unit_id").first()
    case_id = type(instance).objects.filter(pk=instance.pk).values_list("case_id", flat=True).first()
    if case_id == instance.case_id:
        return None
    instance._registry_case_before = {case_id} if case_id is not None else set()
    return _case_key(case_id)


def _before_save(sender, instance, raw=False, **kwargs):
    instance._registry_case_before = set()
    instance._registry_key_before = None if raw else _stored_key(instance)


def _after_save(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the fixture brings its own rows
        return
    keys = {_key(instance), getattr(instance, "_registry_key_before", None)} - {None}
    rollups.touched(keys, _case_ids(instance) | getattr(instance, "_registry_case_before", set()))


def _after_delete(sender, instance, **kwargs):
    key = _key(instance)
    if key is not None:
        rollups.touched({key}, _case_ids(instance))


def _case_ids(instance):
    from clearance.models import Case

    case_id = instance.pk if isinstance(instance, Case) else instance.case_id
    return {case_id} if case_id is not None else set()


def connect():
    from clearance.models import (
        Asset,
        Case,
        CompensationItem,
        LandParcel,
        Payment,
        ResettlementPlot,
        StageEvent,
    )

    for model in (Case, LandParcel, Asset, StageEvent, CompensationItem, Payment, ResettlementPlot):
        label = model._meta.label_lower
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"registry-before-{label}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"registry-after-{label}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"registry-delete-{label}")
