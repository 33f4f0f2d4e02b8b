"""Numbers written as text: which separators a column uses, and never a reading picked silently.

"10,000" is ten thousand with English separators and ten with Vietnamese ones. A column's
convention is settled by its unambiguous cells ("1.234,5", "1234,5" and "1.234.567" are
Vietnamese; "1,234.5", "1234.5" and "1,234,567" English); cells typed as numbers in a workbook
need no reading and do not vote. A cell of the ambiguous shape, one separator followed by
exactly three digits after one to three digits that do not start with 0 ("10,000", "2.500",
"1,500"), is read by its column's convention; when nothing settles it, or when the column
mixes the two conventions, it is refused with both readings, and so is a cell written the other
way than most of its column. So is one the convention would read with three decimals in a
column that takes fewer ("1,500" among Vietnamese areas of at most one decimal): that is a
thousands group written the English way far more often than 1,5 written with two zeros.

Spaces (plain, non-breaking, narrow non-breaking) may group thousands, "10 000", and only
that: "120 80" is refused, never read as 12080. A unit may follow the number ("1.500 m2",
"1500m²", "1 500 ㎡", "0,15 ha"); the column says which units it takes.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from zones.text import fold

VIETNAMESE, ENGLISH = "vi", "en"

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# A sign, a number of ASCII digits, separators and spaces, then maybe a unit: "1.500 m2", "0,15 ha",
# "1500 mét vuông". Matched after NFKC, which makes "㎡" "m2", "²" "2" and every space a space.
_CELL = re.compile(r"^([+-]?)\s*([0-9][0-9.,\s]*?)\s*([^\W\d_]+(?:\s+[^\W\d_]+)*(?:\s*\^?2)?)?$")
# Spaces between digits group thousands, and only them: 10 000 / 1 234 567,5 / 1 500.5.
_SPACED = re.compile(r"^[0-9]{1,3}( [0-9]{3})+([.,][0-9]+)?$")
_MINUS = "\u2212\u2013"  # the minus sign and the en dash that word processors put for "-"
_M2_WORDS = {"m2", "metvuong", "mvuong"}  # "m2", "m²", "m^2", "mét vuông", folded without spaces
_PLAIN = re.compile(r"^[0-9]+$")
_AMBIGUOUS = re.compile(r"^[1-9][0-9]{0,2}([.,])[0-9]{3}$")  # 10,000 / 2.500 / 1,500
_SHAPES = [
    (VIETNAMESE, re.compile(r"^[1-9][0-9]{0,2}(\.[0-9]{3})+(,[0-9]+)?$")),  # 1.234.567 / 1.234,5
    (ENGLISH, re.compile(r"^[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?$")),  # 1,234,567 / 1,234.5
    (VIETNAMESE, re.compile(r"^[0-9]+,[0-9]+$")),  # 1234,5 / 0,500
    (ENGLISH, re.compile(r"^[0-9]+\.[0-9]+$")),  # 1234.5 / 0.500
]
M2, HECTARE = "m2", "ha"
_DECIMAL_MARK = {VIETNAMESE: ",", ENGLISH: "."}
_THOUSANDS_MARK = {VIETNAMESE: ".", ENGLISH: ","}


class NumberError(ValueError):
    """A number that cannot be read as written; the message is for the user."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Written:
    """A number written in a text cell, taken apart."""

    text: str  # the cell as shown in messages
    negative: bool
    digits: str  # digits and separators, spaces removed
    unit: str  # "", "m2", "ha" or another word as written
    shape: str  # "plain", "ambiguous", VIETNAMESE, ENGLISH, "spaced" (spaces not between thousands) or "bad"

    @classmethod
    def parse(cls, value):
        text = unicodedata.normalize("NFC", str(value)).strip()
        compatible = unicodedata.normalize("NFKC", text).translate({ord(c): "-" for c in _MINUS})
        match = _CELL.match(compatible)
        if not match:
            return cls(text, False, "", "", "bad")
        sign, number, unit = match.groups()
        number = _SPACES.sub(" ", number.strip())
        digits = number.replace(" ", "")
        unit = unit or ""
        folded = fold(unit).replace(" ", "").replace("^", "")
        if folded in _M2_WORDS:
            unit = M2
        elif folded == HECTARE:
            unit = HECTARE
        shape = _shape(digits) if " " not in number or _SPACED.match(number) else "spaced"
        return cls(text, sign == "-", digits, unit, shape)

    def read(self, convention):
        """The number under `convention` (VIETNAMESE or ENGLISH; a plain number needs none)."""
        digits = self.digits
        if self.shape != "plain":
            digits = digits.replace(_THOUSANDS_MARK[convention], "").replace(_DECIMAL_MARK[convention], ".")
        number = Decimal(digits)
        return -number if self.negative else number

    def has_decimals(self, convention):
        """Whether a decimal mark is written, under `convention`: "1.000" has one in English."""
        return self.shape != "plain" and _DECIMAL_MARK[convention] in self.digits


def _shape(digits):
    if _PLAIN.match(digits):
        return "plain"
    if _AMBIGUOUS.match(digits):
        return "ambiguous"
    for convention, pattern in _SHAPES:
        if pattern.match(digits):
            return convention
    return "bad"


def is_typed(value):
    """A workbook cell typed as a number: read as it is, never guessed."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def unambiguous(number, convention, *, pad=True):
    """How to write `number` so that it reads the same with either separators: 10000, 2,5 or 2.5.

    Without `pad`, a number of exactly three decimals is shown as the convention writes it (1,234).
    """
    text = f"{abs(number):f}"
    whole, _point, decimals = text.partition(".")
    decimals = decimals.rstrip("0")
    if not decimals:
        result = whole
    else:
        if pad and len(decimals) == 3 and len(whole) <= 3 and whole != "0":
            decimals += "0"  # 1,234 would read two ways; 1,2340 does not
        result = f"{whole}{_DECIMAL_MARK[convention]}{decimals}"
    return f"-{result}" if number < 0 else result


def grouped(number):
    """A whole number with its thousands spaced, as neither convention writes them: 10 000."""
    text = f"{abs(number):f}".partition(".")[0]
    groups = []
    while text:
        groups.insert(0, text[-3:])
        text = text[:-3]
    result = " ".join(groups)
    return f"-{result}" if number < 0 else result


@dataclass
class ColumnNumbers:
    """What a column's cells say about its separators; reads each of its cells accordingly."""

    header: str = ""
    unit: str = ""  # M2 for a column in m²
    vietnamese: list = field(default_factory=list)  # (row number, text) written unambiguously the Vietnamese way
    english: list = field(default_factory=list)
    ambiguous: list = field(default_factory=list)
    typed: int = 0
    plain: int = 0

    def survey(self, row_number, value):
        """Count one cell in (before any cell of the column is read)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        if is_typed(value):
            self.typed += 1
            return
        written = Written.parse(value)
        if written.shape == VIETNAMESE:
            self.vietnamese.append((row_number, written.text))
        elif written.shape == ENGLISH:
            self.english.append((row_number, written.text))
        elif written.shape == "ambiguous":
            self.ambiguous.append((row_number, written.text))
        elif written.shape == "plain":
            self.plain += 1

    @property
    def mixed(self):
        return bool(self.vietnamese and self.english)

    @property
    def convention(self):
        """VIETNAMESE or ENGLISH when the column's unambiguous cells say so (most of them, if mixed); else None."""
        if len(self.vietnamese) > len(self.english):
            return VIETNAMESE
        if len(self.english) > len(self.vietnamese):
            return ENGLISH
        return None

    @property
    def seen(self):
        return bool(self.vietnamese or self.english or self.ambiguous or self.typed or self.plain)

    def description(self):
        """How the preview says the column's numbers were read."""
        if self.mixed:
            return _("Vietnamese and English separators mixed: the cells written the other way are refused")
        if self.convention == VIETNAMESE:
            row, text = self.vietnamese[0]
            return _("Vietnamese separators (1.234,5), as on row %(row)d: “%(value)s”") % {"row": row, "value": text}
        if self.convention == ENGLISH:
            row, text = self.english[0]
            return _("English separators (1,234.5), as on row %(row)d: “%(value)s”") % {"row": row, "value": text}
        if self.ambiguous:
            return _("not settled: values such as “%(value)s” read two ways and are refused") % {
                "value": self.ambiguous[0][1]
            }
        if self.plain:
            return _("no decimal or thousands mark seen")
        return _("typed as numbers")

    def read(self, value, places=None):
        """A text cell's number and whether it has a decimal mark: (Decimal, bool); or NumberError.

        `places` is how many decimals the column takes (None: any); an ambiguous cell that its
        column's convention would read with more is refused with both readings.
        Negative numbers are read; refusing them is for the column's checks.
        """
        written = Written.parse(value)
        if written.shape == "bad":
            raise NumberError(
                _("Not a number: “%(value)s”. Write 1.234,5 or 1234.5.") % {"value": written.text}, "not_number"
            )
        if written.shape == "spaced":
            raise NumberError(
                _(
                    "“%(value)s”: a space between digits may only separate thousands (10 000, three digits after "
                    "each space). If this is one number, write it without spaces; if it is two, put each in its "
                    "own cell."
                )
                % {"value": written.text},
                "not_number",
            )
        self.check_unit(written)
        if written.shape == "ambiguous":
            if self.mixed or self.convention is None:
                raise NumberError(self.two_readings(written), "ambiguous_number")
            convention = self.convention
            if places is not None and places < 3 and written.has_decimals(convention):
                raise NumberError(self.two_readings(written, places=places), "ambiguous_number")
        elif written.shape == "plain":
            convention = VIETNAMESE  # no separator: either reading is the same
        else:
            convention = written.shape
            if self.mixed and convention != self.convention:
                raise NumberError(self.contradiction(written), "mixed_separators")
        number = written.read(convention)
        if written.unit == HECTARE:
            in_m2 = number * 10_000
            raise NumberError(
                _("“%(value)s”: this column is in m²; %(value)s is %(m2)s m², so write %(m2)s.")
                % {"value": written.text, "m2": unambiguous(in_m2, convention)},
                "hectares",
            )
        return number, written.has_decimals(convention)

    def check_unit(self, written):
        if not written.unit or (self.unit == M2 and written.unit == M2):
            return
        if self.unit == M2 and written.unit != HECTARE:
            raise NumberError(
                _("“%(value)s”: this column is in m²; write the area in m² (“m2” or “m²” may follow the number).")
                % {"value": written.text},
                "wrong_unit",
            )
        if self.unit != M2:
            raise NumberError(
                _("“%(value)s”: write the number alone, without “%(unit)s”.")
                % {"value": written.text, "unit": written.unit},
                "wrong_unit",
            )

    def two_readings(self, written, places=None):
        mark = _AMBIGUOUS.match(written.digits).group(1)
        vietnamese, english = written.read(VIETNAMESE), written.read(ENGLISH)
        if places == 0:
            reason = _("this column holds whole numbers")
        elif places is not None and self.convention == VIETNAMESE:
            reason = _(
                "although the other cells of this column use Vietnamese separators, its numbers have at most "
                "%(places)d decimal(s), not three"
            ) % {"places": places}
        elif places is not None:
            reason = _(
                "although the other cells of this column use English separators, its numbers have at most "
                "%(places)d decimal(s), not three"
            ) % {"places": places}
        elif self.mixed:
            reason = _("this column mixes Vietnamese and English separators")
        else:
            reason = _("no other cell of this column says which")
        if mark == ",":
            message = _(
                "“%(value)s” reads %(vietnamese)s (Vietnamese: comma before the decimals) or %(english)s "
                "(English: comma between thousands), and %(reason)s. Write %(english_plain)s if you mean "
                "%(english)s, or %(vietnamese_plain)s if you mean %(vietnamese)s."
            )
            shown = {"vietnamese": unambiguous(vietnamese, VIETNAMESE, pad=False), "english": grouped(english)}
        else:
            message = _(
                "“%(value)s” reads %(vietnamese)s (Vietnamese: dot between thousands) or %(english)s "
                "(English: dot before the decimals), and %(reason)s. Write %(vietnamese_plain)s if you mean "
                "%(vietnamese)s, or %(english_plain)s if you mean %(english)s."
            )
            shown = {"vietnamese": grouped(vietnamese), "english": unambiguous(english, ENGLISH, pad=False)}
        return message % {
            "value": written.text,
            "reason": reason,
            "vietnamese_plain": unambiguous(vietnamese, VIETNAMESE),
            "english_plain": unambiguous(english, ENGLISH),
            **shown,
        }

    def contradiction(self, written):
        number = written.read(written.shape)
        if written.shape == ENGLISH:
            row, example = self.vietnamese[0]
            message = _(
                "“%(value)s” is written with English separators (1,234.5), but other cells of this column use "
                "Vietnamese ones (row %(row)d: “%(example)s”). Write every number of a column the same way, "
                "here %(suggestion)s."
            )
        else:
            row, example = self.english[0]
            message = _(
                "“%(value)s” is written with Vietnamese separators (1.234,5), but other cells of this column use "
                "English ones (row %(row)d: “%(example)s”). Write every number of a column the same way, "
                "here %(suggestion)s."
            )
        other = ENGLISH if written.shape == VIETNAMESE else VIETNAMESE
        return message % {
            "value": written.text,
            "row": row,
            "example": example,
            "suggestion": unambiguous(number, other),
        }
