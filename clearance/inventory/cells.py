"""Reading one cell: numbers written the Vietnamese way or plainly, text kept exactly."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from zones.text import fold

INT_MAX = 2_147_483_647

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_VI_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.234 or 1.234,5
_VI_PLAIN = re.compile(r"^\d+(,\d+)?$")  # 1234,5
_PLAIN = re.compile(r"^\d+(\.\d+)?$")  # 1234.5


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


def decimal(value, *, places):
    """A number: 1.234,5 (Vietnamese), 1234,5 or 1234.5; "1.234" is one thousand two hundred and thirty-four."""
    if isinstance(value, bool):
        raise CellError(_("Not a number: %(value)s.") % {"value": value})
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # A cached formula result such as 300.00000000000006 is 300.
        number = Decimal(repr(round(value, 6)))
    else:
        raw = _SPACES.sub("", unicodedata.normalize("NFC", str(value)))
        if _VI_GROUPED.match(raw):
            raw = raw.replace(".", "").replace(",", ".")
        elif _VI_PLAIN.match(raw):
            raw = raw.replace(",", ".")
        elif not _PLAIN.match(raw.lstrip("-")):
            raise CellError(
                _("Not a number: “%(value)s”. Write 1.234,5 or 1234.5.") % {"value": str(value).strip()}, "not_number"
            )
        try:
            number = Decimal(raw)
        except InvalidOperation as error:
            raise CellError(_("Not a number: “%(value)s”.") % {"value": str(value).strip()}, "not_number") from error
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


def whole_number(value):
    """A whole number such as a code, a map sheet or a parcel number."""
    if isinstance(value, bool):
        raise CellError(_("Not a whole number: %(value)s.") % {"value": value}, "not_whole")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("Not a whole number: %(value)s.") % {"value": value}, "not_whole")
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        raw = _SPACES.sub("", str(value))
        if not raw.isascii() or not raw.isdigit():
            raise CellError(_("Not a whole number: “%(value)s”.") % {"value": str(value).strip()}, "not_whole")
        number = int(raw)
    if number > INT_MAX:
        raise CellError(_("Number too large: “%(value)s”.") % {"value": value}, "too_large")
    return number


def word(value, words):
    """One of the words of a vocabulary, matched without regard to case or diacritics."""
    folded = fold(str(value))
    for known, result in words.items():
        if fold(known) == folded:
            return result
    raise CellError(
        _("“%(value)s” is not one of: %(words)s.") % {"value": str(value).strip(), "words": ", ".join(words)},
        "unknown_word",
    )
