"""Factories for the test suite: each builds a valid row with the fewest choices."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from clearance.models import (
    Asset,
    Case,
    CompensationItem,
    LandParcel,
    LandParcelUse,
    Payment,
    ProgressReport,
    ResettlementPlot,
    Stage,
    StageEvent,
)
from zones.models import AdminUnit, Investor, Phase, Source, StaffProfile, UnitSuccession, Zone


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("test-password-123")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Báo cáo số {n}")
    publisher = "UBND tỉnh Lạng Sơn"
    published_on = datetime.date(2024, 10, 1)


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminUnit
        django_get_or_create = ("structure", "code")

    code = 20
    name = "Tỉnh Lạng Sơn"
    unit_type = "tỉnh"
    level = AdminUnit.Level.PROVINCE
    structure = AdminUnit.Structure.CURRENT


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminUnit

    code = factory.Sequence(lambda n: 900 + n)
    name = factory.Sequence(lambda n: f"Huyện Thử {n}")
    unit_type = "huyện"
    level = AdminUnit.Level.DISTRICT
    structure = AdminUnit.Structure.LEGACY
    parent = factory.SubFactory(ProvinceFactory)
    valid_to = datetime.date(2025, 6, 30)


class CommuneFactory(factory.django.DjangoModelFactory):
    """A legacy commune (before the 2025 reform), inside a district."""

    class Meta:
        model = AdminUnit

    code = factory.Sequence(lambda n: 90000 + n)
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    unit_type = "xã"
    level = AdminUnit.Level.COMMUNE
    structure = AdminUnit.Structure.LEGACY
    parent = factory.SubFactory(DistrictFactory)
    valid_to = datetime.date(2025, 6, 30)


class InvestorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Investor

    name = factory.Sequence(lambda n: f"Công ty Hạ tầng {n}")


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    name = factory.Sequence(lambda n: f"Khu công nghiệp Thử {n}")
    kind = Zone.Kind.INDUSTRIAL_ZONE
    status = Zone.Status.SITE_CLEARANCE
    unit = factory.SubFactory(DistrictFactory)
    planned_area_ha = Decimal("100")
    source = factory.SubFactory(SourceFactory)


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    zone = factory.SubFactory(ZoneFactory)
    number = 1
    area_ha = Decimal("50")
    source = factory.SelfAttribute("zone.source")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    phase = factory.SubFactory(PhaseFactory)
    unit = factory.SubFactory(CommuneFactory)
    code = factory.Sequence(lambda n: f"C-{n:05d}")
    kind = Case.Kind.HOUSEHOLD
    name = factory.Sequence(lambda n: f"Hộ ông Nguyễn Văn {n}")
    village = "Thôn Đồng Bụt"
    stage = Stage.INVENTORY


class LandParcelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LandParcel
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    sheet_unit = factory.SelfAttribute("case.unit")
    map_sheet_no = 12
    parcel_no = factory.Sequence(lambda n: n + 1)
    area_m2 = Decimal("1000.0")
    recovered_area_m2 = Decimal("800.0")

    @factory.post_generation
    def land_use_code(parcel, create, extracted, **kwargs):
        """One use over the whole parcel (LUC unless given); `uses=[(code, m²), …]` for several."""
        if create and not kwargs.get("skip"):
            LandParcelUse.objects.create(parcel=parcel, land_use_code=extracted or "LUC", area_m2=parcel.area_m2)

    @classmethod
    def with_uses(cls, uses, **kwargs):
        """A parcel of several uses [(code, area_m2)], its area their sum."""
        area = sum(area for _code, area in uses)
        kwargs.setdefault("recovered_area_m2", area)
        parcel = cls(area_m2=area, land_use_code__skip=True, **kwargs)
        for code, area in uses:
            LandParcelUse.objects.create(parcel=parcel, land_use_code=code, area_m2=area)
        return parcel


class LandParcelUseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LandParcelUse

    parcel = factory.SubFactory(LandParcelFactory, land_use_code__skip=True)
    land_use_code = "CLN"
    area_m2 = factory.SelfAttribute("parcel.area_m2")


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    case = factory.SubFactory(CaseFactory)
    kind = Asset.Kind.TREE
    description = "Cây vải"
    quantity = Decimal("10")
    unit_of_measure = "cây"


class StageEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageEvent

    case = factory.SubFactory(CaseFactory)
    kind = StageEvent.Kind.NOTICE
    happened_on = datetime.date(2024, 3, 1)
    doc_type = StageEvent.DocType.NOTICE
    doc_number = factory.Sequence(lambda n: f"{n + 1}/TB-UBND")
    doc_date = datetime.date(2024, 3, 1)
    doc_issuer = "UBND huyện Hữu Lũng"


class CompensationItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompensationItem

    case = factory.SubFactory(CaseFactory)
    component = CompensationItem.Component.LAND
    amount_vnd = 150_000_000


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    case = factory.SubFactory(CaseFactory)
    paid_on = datetime.date(2024, 9, 1)
    amount_vnd = 150_000_000


class ResettlementPlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResettlementPlot

    resettlement_area = "Khu tái định cư Hồ Sơn"
    plot_no = factory.Sequence(lambda n: f"L{n + 1}")
    area_m2 = Decimal("150.0")


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    phase = factory.SubFactory(PhaseFactory)
    unit = factory.SelfAttribute("phase.zone.unit")
    reported_on = datetime.date(2024, 10, 1)
    source = factory.SelfAttribute("phase.source")
    cases_counted = 100
    area_handed_over_ha = Decimal("10")


class StaffProfileFactory(factory.django.DjangoModelFactory):
    """A provincial officer unless told otherwise; local staff get their units with units=[...]."""

    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = StaffProfile.Role.PROVINCIAL_OFFICER

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.units.set(extracted)


def huu_lung_and_cao_loc(namespace):
    """Real units with their official codes on `namespace`: Hữu Lũng district (Hồ Sơn, Hòa Thắng), the
    2025 Xã Hữu Lũng that Hồ Sơn became, and Cao Lộc district (Hợp Thành). Returns the province."""
    province = ProvinceFactory()
    namespace.huu_lung = DistrictFactory(code=186, name="Huyện Hữu Lũng", parent=province)
    namespace.ho_son = CommuneFactory(code=6451, name="Xã Hồ Sơn", parent=namespace.huu_lung)
    namespace.hoa_thang = CommuneFactory(code=6460, name="Xã Hòa Thắng", parent=namespace.huu_lung)
    namespace.huu_lung_2025 = CommuneFactory(
        code=6385,
        name="Xã Hữu Lũng",
        parent=province,
        structure=AdminUnit.Structure.CURRENT,
        valid_from=datetime.date(2025, 7, 1),
        valid_to=None,
    )
    UnitSuccession.objects.create(old=namespace.ho_son, new=namespace.huu_lung_2025)
    namespace.cao_loc = DistrictFactory(code=183, name="Huyện Cao Lộc", parent=province)
    namespace.hop_thanh = CommuneFactory(code=5980, name="Xã Hợp Thành", parent=namespace.cao_loc)
    return province


def local_staff(*units):
    """A local staff account covering the given units."""
    user = UserFactory()
    StaffProfileFactory(user=user, role=StaffProfile.Role.LOCAL_STAFF, units=list(units))
    return user
