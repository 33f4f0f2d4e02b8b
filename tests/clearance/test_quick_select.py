"""The filter forms' drop-down lists are written in one pass, as the same HTML Django's template writes."""

import re

from django import forms

from clearance.filters import CaseFilter, QuickSelect
from tests.factories import CaseFactory, CommuneFactory, StaffProfileFactory, UserFactory


def _tags(html):
    """The HTML without the whitespace Django's templates put between tags."""
    return re.sub(r">\s+<", "><", str(html)).strip()


def test_quick_select_writes_what_djangos_select_writes():
    choices = [
        ("", "Tất cả"),
        ("1", "Xã Hồ Sơn"),
        ("2", 'Thôn "Nà Can" & <Bản Mới>'),
        ("Huyện cũ", [("3", "Xã Hòa Thắng"), ("4", "Xã Minh Sơn")]),
    ]
    attrs = {"id": "id_unit", "class": "wide", "required": True, "disabled": False}
    for value in ("", "2", "4", None):
        expected = forms.Select(attrs=attrs, choices=choices).render("unit", value)
        assert _tags(QuickSelect(attrs=attrs, choices=choices).render("unit", value)) == _tags(expected), value


def test_the_case_filters_lists_are_quick_selects_and_keep_the_choice(rf, db):
    commune = CommuneFactory(name="Xã Yên Trạch")
    CaseFactory(unit=commune)
    request = rf.get("/cases/", {"unit": commune.pk})
    request.user = UserFactory()
    StaffProfileFactory(user=request.user)
    form = CaseFilter(request.GET, request=request).form
    assert isinstance(form.fields["unit"].widget, QuickSelect)
    assert f'<option value="{commune.pk}" selected>Xã Yên Trạch</option>' in str(form["unit"])
