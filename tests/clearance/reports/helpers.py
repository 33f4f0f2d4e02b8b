"""Shared by the progress report tests: URLs, the report form's data, reading pages, making reports and users."""

import datetime
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from clearance.services.reports import report_submit
from tests.factories import StaffProfileFactory, UserFactory
from zones.models import StaffProfile

LIST = reverse("clearance:report_list")
NEW = reverse("clearance:report_new")
DAY = datetime.date(2025, 3, 10)  # a Monday before the 2025 reform, when legacy units report


def detail_url(report):
    return reverse("clearance:report_detail", args=[report.pk])


def correct_url(report):
    return reverse("clearance:report_correct", args=[report.pk])


def review_url(report):
    return reverse("clearance:report_review", args=[report.pk])


def vi(message, **values):
    """A message as a Vietnamese user reads it (the msgid until the catalogue has it)."""
    with translation.override("vi"):
        text = gettext(message)
    return text % values if values else text


def html_of(response):
    return response.content.decode()


def unescaped(html):
    return html.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


def options(html, name):
    """The values offered by the <select> of that name."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, flags=re.S).group(1)
    return {int(value) for value in re.findall(r'<option value="(\d+)"', select)}


def input_tag(html, name):
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


def all_reports_section(html):
    """The list below the sign-off queue."""
    return html.split(vi("All reports"), 1)[1]


def snapshot(report):
    report.refresh_from_db()
    return (report.status, report.reviewed_by_id, report.reviewed_at, report.review_note, report.cases_counted)


def local_staff(username, *units):
    user = UserFactory(username=username)
    StaffProfileFactory(user=user, role=StaffProfile.Role.LOCAL_STAFF, units=list(units))
    return user


def officer(username):
    user = UserFactory(username=username)
    StaffProfileFactory(user=user, role=StaffProfile.Role.PROVINCIAL_OFFICER)
    return user


def form_data(world, **overrides):
    data = {
        "phase": world.vsip.pk,
        "unit": world.ho_son.pk,
        "reported_on": DAY.strftime("%d/%m/%Y"),
        "cases_total": "495",
        "cases_counted": "495",
        "area_counted_ha": "150,5",
        "plans_approved_cases": "440",
        "plans_approved_vnd": "300.000.000.000",
        "cases_paid": "433",
        "amount_paid_vnd": "291.290.000.000",
        "area_handed_over_ha": "127,49",
        "graves_relocated": "12",
        "resettlement_plots_allocated": "3",
        "obstacles": "Ba hộ chưa đồng ý giá bồi thường.",
        "proposals": "Đề nghị tỉnh hỗ trợ kinh phí di dời mồ mả.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submitted(world, user=None, **figures):
    """A report the unit submitted through the portal, as the services make it."""
    figures = {"cases_total": 495, "cases_counted": 490, "area_handed_over_ha": Decimal("57"), **figures}
    return report_submit(
        user=user or world.huu_lung_staff, phase=world.vsip, unit=world.ho_son, reported_on=DAY, **figures
    )
