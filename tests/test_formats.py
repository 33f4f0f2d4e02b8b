import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from zones.models import Qualifier, Source
from zones.templatetags.lsip_format import ha, m2, m2_as_ha, num, pct, qualified, share, source_date, vnd


@pytest.fixture
def vi():
    with translation.override("vi"):
        yield


@pytest.fixture
def en():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.5"), "1.234,5 ha"),
        (Decimal("57.00"), "57 ha"),
        (Decimal("8.50"), "8,5 ha"),
        (Decimal("200"), "200 ha"),
        (Decimal("127.49"), "127,49 ha"),
        (Decimal("0.123456"), "0,12 ha"),
        (600, "600 ha"),
    ],
)
def test_hectares_in_vietnamese(vi, value, expected):
    assert ha(value) == expected


def test_money_area_and_percent_in_vietnamese(vi):
    assert vnd(291_290_000_000) == "291.290.000.000 ₫"
    assert m2(Decimal("1234.5")) == "1.234,5 m²"
    assert m2_as_ha(Decimal("12345.0")) == "1,23 ha"
    assert pct(Decimal("28.5")) == "28,5 %"
    assert pct(Decimal("100.00")) == "100 %"
    assert num(1006) == "1.006"


def test_english_variants(en):
    assert ha(Decimal("1234.5")) == "1,234.5 ha"
    assert vnd(291_290_000_000) == "291,290,000,000 ₫"
    assert m2(Decimal("1234.5")) == "1,234.5 m²"
    assert pct(Decimal("28.5")) == "28.5 %"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_unknown_figures_are_a_dash_not_zero(language):
    with translation.override(language):
        for fmt in (ha, m2, m2_as_ha, vnd, pct, num):
            assert fmt(None) == "—"
        assert qualified(ha(None), Qualifier.MORE_THAN) == "—"
        assert source_date(None, Source.Precision.DAY) == "—"


def test_zero_is_shown_as_zero_not_unknown(vi):
    assert ha(Decimal("0")) == "0 ha"
    assert vnd(0) == "0 ₫"


def test_qualifier_words_in_both_languages():
    with translation.override("vi"):
        assert qualified(num(490), Qualifier.MORE_THAN) == "hơn 490"
        assert qualified(ha(Decimal("372")), Qualifier.ABOUT) == "khoảng 372 ha"
        assert qualified(ha(Decimal("600")), Qualifier.NEARLY) == "gần 600 ha"
        assert qualified(ha(Decimal("200")), Qualifier.EXACT) == "200 ha"
    with translation.override("en"):
        assert qualified(num(490), Qualifier.MORE_THAN) == "more than 490"
        assert qualified(ha(Decimal("372")), Qualifier.ABOUT) == "about 372 ha"
        assert qualified(ha(Decimal("600")), Qualifier.NEARLY) == "nearly 600 ha"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_source_dates_keep_their_precision(language):
    day = datetime.date(2024, 3, 5)
    with translation.override(language):
        assert source_date(day, Source.Precision.DAY) == "05/03/2024"
        assert source_date(day, Source.Precision.MONTH) == "03/2024"
        assert source_date(day, Source.Precision.YEAR) == "2024"


def test_share_of_a_phase(vi):
    assert pct(share(Decimal("57"), Decimal("200"))) == "28,5 %"
    assert share(Decimal("57"), None) is None
    assert share(None, Decimal("200")) is None
    assert share(Decimal("57"), Decimal("0")) is None


def test_filters_and_django_dates_in_a_template(vi):
    template = Template(
        "{% load lsip_format %}{{ area|ha|qualified:'more_than' }} · {{ money|vnd }}"
        " · {{ day|date:'SHORT_DATE_FORMAT' }}"
    )
    rendered = template.render(
        Context({"area": Decimal("57.00"), "money": 291_290_000_000, "day": datetime.date(2024, 10, 1)})
    )
    assert rendered == "hơn 57 ha · 291.290.000.000 ₫ · 01/10/2024"
