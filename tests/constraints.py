"""Shared checks for the constraint tests of both apps."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


def _apply(obj, changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    return obj


def assert_database_rejects_then_accepts(obj, bad, good):
    """queryset.update() skips save() and full_clean(): only the database can refuse."""
    rows = type(obj).objects.filter(pk=obj.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(**bad)
    with transaction.atomic():
        rows.update(**good)
    assert rows.values(*good).get() == good


def assert_full_clean_rejects_then_accepts(obj, bad, good):
    with pytest.raises(ValidationError):
        _apply(obj, bad).full_clean()
    _apply(obj, good).full_clean()


def rejected(model, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**values)
    with pytest.raises(ValidationError):
        model(**values).full_clean()


def accepted(model, **values):
    model(**values).full_clean()
    return model.objects.create(**values)


def assert_every_constraint_tested(app_label, checks, unique_tested):
    declared = {
        constraint.name
        for model in apps.get_app_config(app_label).get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint | models.UniqueConstraint)
    }
    tested = {param.values[0] for param in checks} | unique_tested
    assert declared - tested == set(), "write a test for each new constraint"
    assert tested - declared == set(), "a tested constraint no longer exists"
