"""ID numbers of affected cases, checked for what they are: a person's CCCD or CMND, an organisation's tax code.

Shapes accepted, by the case's kind (`Case.Kind` values):

- **household, individual** (a person): a **CCCD** (căn cước / căn cước công dân), the
  12-digit personal identification number, e.g. 020185009901; or an old **CMND** of 9
  digits. A CCCD is 3 digits of the province where the birth was registered (the table in
  clearance/data/cccd_province_codes.json), 1 digit for century and sex (0–9, all
  possible), 2 for the year of birth, 6 at random: only the province code can be checked.
- **organization**: its **tax code**, which is also its enterprise code (mã số thuế / mã
  số doanh nghiệp): 10 digits, or 10 + "-" + 3 for a dependent unit such as a branch
  (0101234567-001). The tenth digit is a check digit; it is not verified here, so a code
  copied with one wrong digit passes.
- **community** (cộng đồng dân cư): has no number of its own. Blank is usual; a number, if
  given, may be its representative's CCCD or CMND or the tax code of the body acting for it,
  so any of the shapes above is accepted. A kind that is not known (an import row whose
  "Loại đối tượng" is missing or wrong) is treated the same way.
- Blank stays blank: the number is optional.

Spaces, non-breaking spaces and dots between digit groups are removed ("020 185 009 901",
"020.185.009.901"), and so are hyphens in a person's number; a 13-digit tax code gets its
hyphen back. What is stored is the digits (and that one hyphen), nothing else. The quote
Excel users type before a number to keep it as text ("'001234567890") is not part of it.
Text ending in ".0" or ",00" ("20185009901.0", what a program writes for a number it read as
a decimal) is that number: its mark and zeros are never taken for digits, and its lost zeros
are explained as for a number cell.

Errors: `django.core.exceptions.ValidationError`, its message in the active language, saying
what went wrong and how to fix it, with one of these codes:

- ``lost_leading_zero``: a number not starting with 0 that would be a valid number with the
  zeros a spreadsheet drops put back: 10 or 11 digits that make a CCCD with a province code
  (the number cell 20185009901 or the text "20185009901" for 020185009901), 8 digits for a
  CMND, 9 for a tax code. It is refused, not padded: whoever types it must look at the card,
  and the advice is to format the column as Text. (A number cell whose format shows the
  zeros, "000000000000", is read as the digits it shows: clearance.inventory.reading.workbooks.)
- ``scientific_notation``: "2.01851E+10" or "2,01851E+10" (what a CSV saved by Excel holds
  once the number was shown in scientific notation), or a float: Excel stores a whole number
  as a whole number, so a float has been through scientific notation or a decimal point.
- ``not_a_province``: 12 digits whose first three are not one of the 63 province codes.
- ``wrong_length``: any other count of digits.
- ``not_digits``: letters or other signs.

Sources: 12 digits, Law on Citizen Identification 2014 art. 12 and Decree 137/2015/ND-CP
art. 13, now Law on Identification 2023 (26/2023/QH15) art. 12; the structure and the
province codes, Circular 59/2021/TT-BCA (before it Circular 07/2016/TT-BCA, appendix I);
the tax code, Circular 105/2020/TT-BTC art. 5 (N1N2N3N4N5N6N7N8N9N10 - N11N12N13).
The table's "source" key records what was checked and when.

Known limit: a citizen whose birth was registered abroad has a country code where the
province code goes; such numbers are refused as "not a province code".
"""

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PROVINCE_CODES_FILE = Path(__file__).resolve().parent / "data" / "cccd_province_codes.json"

PERSON_KINDS = frozenset({"household", "individual"})
ORGANIZATION = "organization"

CCCD_DIGITS = 12
CMND_DIGITS = 9
TAX_CODE_DIGITS = 10
BRANCH_DIGITS = 3

_SPACES = re.compile(r"\s+")
_GROUP_SEPARATORS = re.compile(r"[\s.]+")  # after NFKC: every kind of space, and dots
_HYPHENS = re.compile(r"[\u2010\u2011\u2012\u2013\u2212]")  # typographic hyphens and minus, read as "-"
_SCIENTIFIC = re.compile(r"^[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+$")
_DIGIT_GROUPS = re.compile(r"^[0-9]+(?:-[0-9]+)*$")  # hyphens only between digits
_TEXT_QUOTES = "'\u2018\u2019`"  # the quote typed before a number to keep it text, and what autocorrect makes of it
# A number written with a decimal mark and one or two zeros: never a group of digits, which has three.
_DECIMAL_ZEROS = re.compile(r"^([0-9]+)[.,]0{1,2}$")


@cache
def province_codes():
    """{"001": "Hà Nội", …, "020": "Lạng Sơn", …}: the first three digits a CCCD may have."""
    with PROVINCE_CODES_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)["codes"]


def normalize_id_number(raw, *, kind):
    """The ID number as stored ("" for blank), or ValidationError; see the module docstring.

    `raw` is what was typed or what a spreadsheet cell holds: text, or an int or float when
    the cell was a number cell. `kind` is the case's kind (a `Case.Kind` value) or None.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ""
    if isinstance(raw, bool):
        raise _not_digits(raw)
    if isinstance(raw, float):
        # Excel stores a whole number as one (openpyxl reads it as an int); a float is what is left
        # of a number once it went through scientific notation or a decimal point.
        raise _scientific(raw)
    if isinstance(raw, int):
        if raw < 0:
            raise _not_digits(raw)
        text = str(raw)
    else:
        # NFKC: full-width digits become 0-9, and every space a keyboard or a PDF yields becomes a space.
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        if text[:1] in _TEXT_QUOTES and text[1:2].isdigit():
            text = text[1:]
        if _SCIENTIFIC.match(_SPACES.sub("", text)):
            raise _scientific(raw)
        decimal = _DECIMAL_ZEROS.match(_SPACES.sub("", text))
        if decimal:
            text = decimal.group(1)  # "20185009901.0" is the number 20185009901, not 201850099010
    compact = _HYPHENS.sub("-", _GROUP_SEPARATORS.sub("", text))
    if not _DIGIT_GROUPS.match(compact):
        raise _not_digits(raw)
    digits = compact.replace("-", "")
    if kind in PERSON_KINDS:
        return _person(raw, digits)
    if kind == ORGANIZATION:
        return _tax_code(raw, digits)
    if len(digits) in (TAX_CODE_DIGITS, TAX_CODE_DIGITS + BRANCH_DIGITS):
        return _tax_code(raw, digits)
    return _person(raw, digits, any_kind=True)


def _person(raw, digits, *, any_kind=False):
    count = len(digits)
    if count == CCCD_DIGITS:
        if digits[:3] not in province_codes():
            raise ValidationError(
                _(
                    "The first three digits of a CCCD are the code of the province where the birth was registered; "
                    "%(code)s is not a province code (001 Hà Nội … 020 Lạng Sơn … 096 Cà Mau). Check the number."
                )
                % {"code": digits[:3]},
                code="not_a_province",
            )
        return digits
    if count == CMND_DIGITS:
        return digits
    # Only a number that does not start with 0 can be one whose zeros were dropped.
    lost_zero = not digits.startswith("0")
    padded = digits.zfill(CCCD_DIGITS)
    if lost_zero and count in (CCCD_DIGITS - 1, CCCD_DIGITS - 2) and padded[:3] in province_codes():
        raise _lost_zero(
            _("“%(value)s” has lost its leading zero(s): a CCCD has 12 digits, so it is probably %(number)s.")
            % {"value": _shown(raw), "number": padded}
        )
    if lost_zero and count == CMND_DIGITS - 1:
        raise _lost_zero(
            _("“%(value)s” has 8 digits: an old CMND has 9, so it is probably %(number)s, its leading zero lost.")
            % {"value": _shown(raw), "number": digits.zfill(CMND_DIGITS)}
        )
    if any_kind:
        message = _(
            "An ID number has 12 digits (CCCD) or 9 (an old CMND), a tax code 10 or 10 + 3; this one has %(count)d."
        )
    else:
        message = _("An ID number has 12 digits (CCCD) or 9 (an old CMND); this one has %(count)d.")
    message %= {"count": count}
    if not any_kind and count in (TAX_CODE_DIGITS, TAX_CODE_DIGITS + BRANCH_DIGITS):
        message += " " + _(
            "That is the length of an organisation's tax code: if this case is an organisation, write “tổ chức” "
            "in “Loại đối tượng”."
        )
    raise ValidationError(message, code="wrong_length")


def _tax_code(raw, digits):
    count = len(digits)
    if count == TAX_CODE_DIGITS:
        return digits
    if count == TAX_CODE_DIGITS + BRANCH_DIGITS:
        return f"{digits[:TAX_CODE_DIGITS]}-{digits[TAX_CODE_DIGITS:]}"
    if count == TAX_CODE_DIGITS - 1 and not digits.startswith("0"):
        raise _lost_zero(
            _("“%(value)s” has 9 digits: a tax code has 10, so it is probably %(number)s, its leading zero lost.")
            % {"value": _shown(raw), "number": digits.zfill(TAX_CODE_DIGITS)}
        )
    message = _("A tax code has 10 digits, or 10 + 3 for a branch (0101234567-001); this one has %(count)d.") % {
        "count": count
    }
    if count in (CCCD_DIGITS, CMND_DIGITS):
        message += " " + _(
            "That is the length of a person's CCCD or CMND: write the organisation's tax code, or leave the cell "
            "blank; if this case is a household or a person, correct “Loại đối tượng”."
        )
    raise ValidationError(message, code="wrong_length")


def _advice():
    return _(
        "Format the column as Text (Format Cells → Text; in Vietnamese Excel: Định dạng ô → Văn bản) "
        "and type the number again."
    )


def _lost_zero(problem):
    cause = _("Spreadsheets drop the zeros at the start of a number.")
    return ValidationError(f"{problem} {cause} {_advice()}", code="lost_leading_zero")


def _scientific(raw):
    return ValidationError(
        _(
            "Excel has shown the number in scientific notation (“%(value)s”) and dropped digits: "
            "they cannot be recovered from the file."
        )
        % {"value": _shown(raw)}
        + " "
        + _advice(),
        code="scientific_notation",
    )


def _not_digits(raw):
    return ValidationError(
        _("An ID number is written with digits only; “%(value)s” has other characters.") % {"value": _shown(raw)},
        code="not_digits",
    )


def _shown(raw):
    if isinstance(raw, float):
        return repr(raw)
    return str(raw).strip()[:40]
