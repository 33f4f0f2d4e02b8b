"""Reading one cell: numbers by their column's separators, text kept exactly."""

import functools
import re
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _

from clearance.inventory.legacy_text import readings
from clearance.inventory.numbers import ColumnNumbers, NumberError
from zones.text import fold

INT_MAX = 2_147_483_647
QUOTED_FORMULA = ("'=", "'+", "'-", "'@")

_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class CellError(ValueError):
    """A cell that cannot be read; the message is for the user."""

    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, *, max_length=None):
    """Text as written, NFC-normalised so "ắ" typed either way is one character."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet that stored "12" as a number
    result = unicodedata.normalize("NFC", str(value)).strip()
    if result.startswith(QUOTED_FORMULA):
        # The quote that LSIP's downloads (and Excel, when typed) put before text a spreadsheet would
        # run as a formula is not part of the text: "'=SUM" re-imports as "=SUM" (docs/decisions/0013).
        result = result[1:]
    if max_length is not None and len(result) > max_length:
        raise CellError(
            _("Too long: %(length)d characters, at most %(max)d.") % {"length": len(result), "max": max_length},
            "too_long",
        )
    return result


def id_number(value, *, max_length):
    """An ID number's cell as found, to be checked for its case's kind (clearance.identity).

    A number cell stays a number: the zeros it lost at its start are for that check to
    explain, not for text() to hide. Text is NFC and stripped, and may not exceed max_length
    once its spaces are taken out.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    result = text(value)
    if len(_SPACES.sub("", result)) > max_length:
        raise CellError(
            _("Too long: %(length)d characters, at most %(max)d.") % {"length": len(result), "max": max_length},
            "too_long",
        )
    return result


def decimal(value, *, places, numbers=None):
    """A number: typed in a workbook, or text read by its column's separators (clearance.inventory.numbers).

    `numbers` is what the column's other cells say; without it, "1.234" is refused with its two readings.
    """
    if isinstance(value, bool):
        raise CellError(_("Not a number: %(value)s.") % {"value": value})
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        # A cached formula result such as 300.00000000000006 is 300.
        number = Decimal(repr(round(value, 6)))
    else:
        number, _has_decimals = _read(value, numbers, places)
    if not number.is_finite():
        raise CellError(_("Not a number: “%(value)s”.") % {"value": value}, "not_number")
    number = number.normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    if -number.as_tuple().exponent > places:
        raise CellError(
            _("At most %(places)d decimal place(s): “%(value)s”.") % {"places": places, "value": value},
            "too_many_decimals",
        )
    if abs(number) >= Decimal(10) ** (12 - places):
        raise CellError(_("Number too large: “%(value)s”.") % {"value": value}, "too_large")
    return number


def whole_number(value, numbers=None):
    """A whole number such as a code, a map sheet or a parcel number; text never with a decimal mark."""
    if isinstance(value, bool):
        raise CellError(_("Not a whole number: %(value)s.") % {"value": value}, "not_whole")
    if isinstance(value, float | Decimal):
        if not Decimal(value).is_finite() or value != int(value):
            raise CellError(_("Not a whole number: %(value)s.") % {"value": value}, "not_whole")
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        try:
            reading, has_decimals = _read(value, numbers, 0)
        except CellError as error:
            if error.code == "not_number":
                raise CellError(
                    _("Not a whole number: “%(value)s”.") % {"value": str(value).strip()}, "not_whole"
                ) from error
            raise
        if has_decimals or reading != reading.to_integral_value():
            raise CellError(_("Not a whole number: “%(value)s”.") % {"value": str(value).strip()}, "not_whole")
        number = int(reading)
    if number > INT_MAX:
        raise CellError(_("Number too large: “%(value)s”.") % {"value": value}, "too_large")
    return number


def _read(value, numbers, places):
    try:
        return (numbers or ColumnNumbers()).read(value, places)
    except NumberError as error:
        raise CellError(error.message, error.code) from error


def word(value, words):
    """One of the words of a vocabulary, matched without regard to case or diacritics.

    A word typed with a .VnTime or VNI font ("hé gia ®×nh") matches in one of its readings: a
    closed list cannot be matched wrongly, so no detection is needed.
    """
    vocabulary = _folded_words(tuple(words.items()))
    for reading in readings(str(value)):
        found = vocabulary.get(fold(reading), _UNKNOWN)
        if found is not _UNKNOWN:
            return found
    raise CellError(
        _("“%(value)s” is not one of: %(words)s.") % {"value": str(value).strip(), "words": ", ".join(words)},
        "unknown_word",
    )


_UNKNOWN = object()


@functools.lru_cache(maxsize=32)
def _folded_words(items):
    """{folded word: its meaning}; of two words that fold alike, the first listed."""
    vocabulary = {}
    for known, result in items:
        vocabulary.setdefault(fold(known), result)
    return vocabulary
