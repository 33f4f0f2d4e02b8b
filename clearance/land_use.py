"""The land-use nomenclature (mã loại đất) as certificates and cadastral maps carry it.

The codes are data, `clearance/data/land_use_codes.json`, with their sources: the 2024
nomenclature (land statistics and cadastral-map circulars) and the earlier codes that
existing certificates and maps still show, each old code with the current code it maps to.
docs/decisions/0004-land-use-codes.md says why and how a parcel carries several uses.
"""

import difflib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from zones.text import fold

DATA_FILE = Path(__file__).resolve().parent / "data" / "land_use_codes.json"


class Group(models.TextChoices):
    """The three groups of land, Land Law 2024 art. 9."""

    AGRICULTURAL = "agricultural", gettext_lazy("agricultural land")
    NON_AGRICULTURAL = "non_agricultural", gettext_lazy("non-agricultural land")
    UNUSED = "unused", gettext_lazy("unused land")


@dataclass(frozen=True)
class LandUse:
    code: str
    name_vi: str
    name_en: str
    group: str
    current: bool
    maps_to: str | None  # for a code no longer in the current nomenclature: the current code

    @property
    def name(self):
        return self.name_vi if (get_language() or "vi").startswith("vi") else self.name_en

    @property
    def label(self):
        """“LUC – Đất chuyên trồng lúa”; an old code adds the current one: “BHK – … (nay HNK)”."""
        text = f"{self.code} – {self.name}"
        if self.maps_to:
            text += " " + _("(now %(code)s)") % {"code": self.maps_to}
        return text


@cache
def nomenclature():
    """Every code of the data file: {code: LandUse}, current codes first, in the file's order."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return {
        row["code"]: LandUse(
            code=row["code"],
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            group=row["group"],
            current=row["current"],
            maps_to=row.get("maps_to"),
        )
        for row in data["codes"]
    }


def land_use_choices():
    """Choices for a model or form field: every code, labelled in the active language."""
    return [(code, lazy(lambda c=code: nomenclature()[c].label, str)()) for code in nomenclature()]


def is_non_agricultural(codes):
    """Whether any of the land-use codes is of the non-agricultural group.

    One such use makes the 180-day recovery notice apply (Land Law 2024 art. 85 cl. 1);
    unused land counts with agricultural land, see docs/decisions/0006-case-rules.md.
    An unknown code raises KeyError: codes are checked when they are recorded.
    """
    table = nomenclature()
    return any(table[code].group == Group.NON_AGRICULTURAL for code in codes)


# --- "ONT 200; CLN 250" -----------------------------------------------------------------------

# A code, then optionally its area, maybe in brackets or followed by m²: "ONT", "ont", "ONT 200",
# "ONT: 1.234,5", "ONT=200", "ONT (200 m2)". "Đ" is read as D: the codes are ASCII, the "D" stands for "đất".
_USE = re.compile(
    r"\s*([A-Za-zĐđ]{3})(?![A-Za-zĐđ])\s*(?:[:=]\s*)?\(?\s*(?:(\d(?:[\d.,]*\d)?)\s*(?:m2|m²|㎡)?)?\s*\)?\s*",
    re.IGNORECASE,
)
# Between uses: + ; , / & or a dash ("ONT – CLN"), "và", or only spaces.
_SEPARATOR = re.compile(r"\s*[+;,/&\-\u2013\u2014]\s*|\s*(?:và|va)\s+|\s+", re.IGNORECASE)


def _area(text, numbers=None):
    """An area in m² written either way when `numbers` settles it, or plainly, > 0, at most one decimal; else None.

    `numbers` (clearance.inventory.numbers.ColumnNumbers) is what the areas of the whole
    column say of their separators. Raises ValidationError (code "ambiguous_number" or
    "mixed_separators") for "1.500" when nothing says whether it is 1,5 or 1500."""
    # Imported here: the inventory package imports the models, which import this module.
    from clearance.inventory import cells

    try:
        area = cells.decimal(text, places=1, numbers=numbers)
    except cells.CellError as error:
        if error.code in ("ambiguous_number", "mixed_separators"):  # "ONT 1.500": never pick a reading
            raise ValidationError(error.message, code=error.code) from error
        return None
    return area if area > 0 else None


def written_areas(text):
    """The areas as written in a cell of uses, "ONT 1.234,5; CLN 200" → ["1.234,5", "200"]; [] if unreadable.

    For surveying a column's separators before any cell of it is read."""
    try:
        return [area for _code, area in _written_uses(str(text).strip())]
    except ValidationError:
        return []


def _written_uses(text):
    """[(code, area text or None)] as written; ValidationError "unreadable" when the cell is not uses."""
    uses, position = [], 0
    while position < len(text):
        match = _USE.match(text, position)
        if not match:
            message = _("Cannot read the land uses “%(text)s”: write the codes, each with its area when there are "
                        "several, for example “ONT 200; CLN 250”.") % {"text": text}  # fmt: skip
            named = _named(text)
            if named:
                message += " " + _("For “%(text)s”, write the code: %(labels)s.") % {
                    "text": text,
                    "labels": "; ".join(nomenclature()[code].label for code in named),
                }
            raise ValidationError(message, code="unreadable")
        uses.append((match.group(1).upper().replace("Đ", "D"), match.group(2)))
        position = match.end()
        separator = _SEPARATOR.match(text, position)
        if separator:
            position = separator.end()
    return uses


def closest_codes(code, count=3):
    """The known codes most like `code`: "OTN" → ["ONT", …], "ONX" → ["ONT", …]; [] when none is close.

    First the same letters in another order (a typing slip), then the most letters in place,
    then difflib's likeness; current codes before old ones among equals."""
    table = nomenclature()

    def likeness(known):
        in_place = sum(a == b for a, b in zip(code, known, strict=False))
        ratio = difflib.SequenceMatcher(None, code, known).ratio()
        return (sorted(code) == sorted(known), in_place, ratio, table[known].current)

    close = [known for known in table if difflib.SequenceMatcher(None, code, known).ratio() >= 0.6]
    return sorted(close, key=likeness, reverse=True)[:count]


def _named(text):
    """Codes whose name is like `text` ("Đất ở nông thôn" → ["ONT"]): a name written where a code goes."""
    names = {fold(use.name_vi): code for code, use in nomenclature().items() if use.current}
    return [names[name] for name in difflib.get_close_matches(fold(text), names, n=2, cutoff=0.75)]


def parse_land_uses(text, numbers=None):
    """The uses written in one cell: [(code, area_m2 or None)], codes upper-cased, in order.

    Accepts what certificates and commune sheets write: "LUC", "ont", "ONT+CLN", "ONT, CLN",
    "ONT/CLN", "ONT – CLN", "ONT 200; CLN 250", "ONT: 200 m² + CLN: 250,5". `numbers` is what
    the column's other areas say of their separators (see _area). Raises ValidationError
    (code "unreadable", "ambiguous_number", "mixed_separators", "unknown_code" or
    "repeated_code") with a message for the user; an unknown code's names the closest known ones.
    """
    uses, text = [], str(text).strip()
    for code, area_text in _written_uses(text):
        area = None
        if area_text is not None:
            area = _area(area_text, numbers)
            if area is None:
                raise ValidationError(
                    _("The area of %(code)s, “%(area)s”, is not an area in m² greater than zero "
                      "with at most one decimal.") % {"code": code, "area": area_text},
                    code="unreadable",
                )  # fmt: skip
        uses.append((code, area))
    if not uses:
        raise ValidationError(_("Give at least one land-use code."), code="required")
    unknown = [code for code, _area_m2 in uses if code not in nomenclature()]
    if unknown:
        message = _(
            "%(codes)s: not a land-use code of the 2024 nomenclature nor of the earlier ones on certificates."
        ) % {"codes": ", ".join(unknown)}
        for code in unknown:
            closest = closest_codes(code)
            if closest:
                message += " " + _("Closest to %(code)s: %(labels)s.") % {
                    "code": code,
                    "labels": "; ".join(nomenclature()[known].label for known in closest),
                }
            else:
                message += " " + _(
                    "No known code is close to %(code)s: see the list of codes on the “Hướng dẫn” sheet of the "
                    "import template."
                ) % {"code": code}
        raise ValidationError(message, code="unknown_code")
    codes = [code for code, _area_m2 in uses]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise ValidationError(
            _("%(codes)s is written twice: give each use once, with its whole area.") % {"codes": ", ".join(repeated)},
            code="repeated_code",
        )
    return uses


def uses_with_areas(uses, *, parcel_area_m2):
    """[(code, area_m2)] for a parcel of `parcel_area_m2` m²: a single use takes the whole area.

    Several uses must each give an area, and the areas must add up to the parcel's area.
    Raises ValidationError (code "areas_missing" or "areas_sum") with a message for the user.
    """
    if len(uses) == 1 and uses[0][1] is None:
        return [(uses[0][0], parcel_area_m2)]
    missing = [code for code, area in uses if area is None]
    if missing:
        raise ValidationError(
            _("This parcel has %(count)d uses (%(codes)s): give the area of each, as on the certificate, "
              "for example “%(example)s”.")
            % {
                "count": len(uses),
                "codes": ", ".join(code for code, _area in uses),
                "example": "; ".join(f"{code} …" for code, _area in uses),
            },
            code="areas_missing",
        )  # fmt: skip
    total = sum(area for _code, area in uses)
    if parcel_area_m2 is not None and total != parcel_area_m2:
        raise ValidationError(
            _("The areas of the uses add up to %(total)s m², but the parcel has %(area)s m²: they must be equal.")
            % {"total": number_format(total), "area": number_format(parcel_area_m2)},
            code="areas_sum",
        )
    return list(uses)


def format_uses(uses):
    """How a file writes a parcel's uses: "LUC", or "ONT 200; CLN 250" (areas in m², plain digits)."""
    uses = list(uses)
    if len(uses) == 1:
        return uses[0][0]
    return "; ".join(code if area is None else f"{code} {_plain(area)}" for code, area in uses)


def _plain(area):
    area = Decimal(area)
    return f"{area:f}".rstrip("0").rstrip(".") if "." in f"{area:f}" else f"{area:f}"
