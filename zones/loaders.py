"""Loading Lạng Sơn's reference data: administrative units and the source article's zones and figures.

The article's progress report is loaded by clearance.loaders, which runs both (`load_lang_son`)."""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from zones import article
from zones.models import REFORM_DATE, AdminUnit, Investor, Phase, Source, SummaryFigure, UnitSuccession, Zone
from zones.text import inline_name

UNITS_FILE = Path(__file__).resolve().parent / "data" / "lang_son_admin_units.json"
LEGACY_VALID_TO = REFORM_DATE - datetime.timedelta(days=1)

Level = AdminUnit.Level
Structure = AdminUnit.Structure


@dataclass
class UnitsResult:
    units: int = 0
    units_new: int = 0
    units_updated: int = 0
    conversions: int = 0
    conversions_new: int = 0


@dataclass
class ArticleResult:
    zones: int = 0
    zones_new: int = 0
    reports: int = 0
    reports_new: int = 0
    source: object = None  # the article's Source
    phase: object = None  # VSIP Lạng Sơn's phase 1, which the article reports on


class UnitsFileError(ValueError):
    """The units file contradicts itself; nothing is loaded."""


def read_units_file(path=UNITS_FILE):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _unit_rows(data):
    """Every unit of the file as (key, fields, parent key), parents before children."""

    def row(structure, item, unit_type, level, valid_from, valid_to, parent_key):
        fields = {"name": item["name"], "unit_type": unit_type, "level": level}
        return (structure, item["code"]), {**fields, "valid_from": valid_from, "valid_to": valid_to}, parent_key

    province = data["province"]
    province_key = (Structure.CURRENT, province["code"])
    # The province spans both structures, so it has no validity bounds.
    yield row(Structure.CURRENT, province, "tỉnh", Level.PROVINCE, None, None, None)
    for district in data["legacy_districts"]:
        yield row(Structure.LEGACY, district, district["type"], Level.DISTRICT, None, LEGACY_VALID_TO, province_key)
    for commune in data["legacy_communes"]:
        district_key = (Structure.LEGACY, commune["district_code"])
        yield row(Structure.LEGACY, commune, commune["type"], Level.COMMUNE, None, LEGACY_VALID_TO, district_key)
    for unit in data["units_2025"]:
        yield row(Structure.CURRENT, unit, unit["type"], Level.COMMUNE, REFORM_DATE, None, province_key)


@transaction.atomic
def load_admin_units(*, data=None):
    """Create or correct the province, its legacy and 2025 units and the 2025 conversion.

    Units are official reference data: the file wins over the database. A unit is only
    saved when something differs, so a re-run adds no history rows.
    """
    data = data if data is not None else read_units_file()
    result = UnitsResult()
    known = {(u.structure, u.code): u for u in AdminUnit.objects.all()}

    for key, fields, parent_key in _unit_rows(data):
        if parent_key and parent_key not in known:
            raise UnitsFileError(
                _("Unit %(code)s (%(name)s) belongs to unit %(parent)s, which is not in the file.")
                % {"code": key[1], "name": fields["name"], "parent": parent_key[1]}
            )
        # Compared by id: reading unit.parent would cost a query per unit.
        fields = {**fields, "parent_id": known[parent_key].pk if parent_key else None}
        unit = known.get(key)
        if unit is None:
            unit = AdminUnit(structure=key[0], code=key[1], **fields)
            unit.full_clean()
            unit.save()
            known[key] = unit
            result.units_new += 1
        elif any(getattr(unit, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(unit, name, value)
            unit.full_clean()
            unit.save()
            result.units_updated += 1
        result.units += 1

    existing = {(s.old_id, s.new_id): s for s in UnitSuccession.objects.all()}
    for commune in data["legacy_communes"]:
        old = known[(Structure.LEGACY, commune["code"])]
        for new_code in commune["became"]:
            new = known.get((Structure.CURRENT, new_code))
            if new is None:
                raise UnitsFileError(
                    _("Legacy commune %(code)s (%(name)s) became 2025 unit %(new)s, which is not in the file.")
                    % {"code": commune["code"], "name": commune["name"], "new": new_code}
                )
            partial = bool(commune["partly_merged"])
            succession = existing.get((old.pk, new.pk))
            if succession is None:
                UnitSuccession.objects.create(old=old, new=new, partial=partial)
                result.conversions_new += 1
            elif succession.partial != partial:
                succession.partial = partial
                succession.save(update_fields=["partial"])
            result.conversions += 1
    return result


def legacy_district(code):
    return AdminUnit.objects.get(structure=Structure.LEGACY, level=Level.DISTRICT, code=code)


@transaction.atomic
def load_article():
    """Create the article's source, zones, phase, report and figures where they are missing.

    Rows that exist are left as they are: after the first load they belong to the admins,
    and a re-run must never revert their edits.
    """
    result = ArticleResult()
    source, _created = Source.objects.get_or_create(
        title=article.SOURCE["title"],
        published_on=article.SOURCE["published_on"],
        defaults={
            "publisher": article.SOURCE["publisher"],
            "date_precision": article.SOURCE["date_precision"],
            "note": article.SOURCE["note"],
            "is_synthetic": False,
        },
    )
    investor, _created = Investor.objects.get_or_create(
        name=article.INVESTOR["name"], defaults={"short_name": article.INVESTOR["short_name"]}
    )

    spec = article.VSIP_ZONE
    district = legacy_district(spec["district_code"])
    vsip, created = Zone.objects.get_or_create(
        kind=spec["kind"],
        name=spec["name"],
        defaults={
            "status": spec["status"],
            "unit": district,
            "location": inline_name(district.name),
            "planned_area_ha": spec["planned_area_ha"],
            "planned_area_qualifier": spec["planned_area_qualifier"],
            "construction_started_month": spec["construction_started_month"],
            "investor": investor,
            "source": source,
            "notes": spec["notes"],
        },
    )
    result.zones += 1
    result.zones_new += created

    for spec in article.CLUSTERS:
        district = legacy_district(spec["district_code"])
        _zone, created = Zone.objects.get_or_create(
            kind=Zone.Kind.INDUSTRIAL_CLUSTER,
            name=spec["name"],
            defaults={
                "status": spec["status"],
                "unit": district,
                "location": inline_name(district.name),
                "planned_area_ha": spec["planned_area_ha"],
                "occupancy_reported_pct": spec["occupancy_reported_pct"],
                "source": source,
            },
        )
        result.zones += 1
        result.zones_new += created

    result.source = source
    result.phase, _created = Phase.objects.get_or_create(
        zone=vsip,
        number=article.VSIP_PHASE["number"],
        defaults={
            "area_ha": article.VSIP_PHASE["area_ha"],
            "area_qualifier": article.VSIP_PHASE["area_qualifier"],
            "source": source,
        },
    )

    for spec in article.SUMMARY_FIGURES:
        SummaryFigure.objects.get_or_create(
            metric=spec["metric"], source=source, defaults={"value": spec["value"], "qualifier": spec["qualifier"]}
        )
    return result
