"""Finding the header row the way a person would, and naming the columns it holds.

Lists kept by land-fund centres put the issuing body, the national motto and the list's
title above the table, name the columns their own way ("Tờ bản đồ số", "DT thu hồi (m2)")
and often group two headers under a merged title ("Thửa đất" over "Số tờ" and "Số thửa").
The other wordings are data: clearance/data/inventory_header_synonyms.json.
"""

import difflib
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from clearance.inventory.cells import is_blank
from clearance.inventory.legacy_text import readings
from clearance.inventory.safety import ImportRefused
from zones.text import fold

SYNONYMS_FILE = Path(__file__).resolve().parents[2] / "data" / "inventory_header_synonyms.json"
# Officials put at most a dozen lines above a table; 30 leaves room for a long project name.
HEADER_SEARCH_ROWS = 30
# Fewer matches than this is a title or a note, not the table's header.
MIN_HEADER_MATCHES = 2
# Only m²: a header in hectares names another quantity, whose values would be 10,000 times off.
_UNIT = re.compile(r"\bm2\b")
# A found header this alike (difflib ratio) to a missing one is named as its likely meaning.
CLOSE_ENOUGH = 0.6
# The numbering row many lists put under the header: "(1) (2) (3)…", "1 2 3…", "A B 1 2…", with
# now and then how a column is worked out: "(7)=(5)x(6)". Letters come first, then numbers.
_COLUMN_NUMBER = re.compile(r"^\(?(?:([A-Z])|(\d{1,2}))\)?(?:\s*=.*)?$")


def header_key(text):
    """Headers match whatever the case, accents, spacing or "m2" for "m²"."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


def _bare(key):
    """The key without its unit: "dien tich thu hoi m2" and "dien tich thu hoi" are one header."""
    return " ".join(_UNIT.sub(" ", key).split())


@cache
def _synonyms():
    with SYNONYMS_FILE.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return {sheet: data[sheet] for sheet in ("parcel", "asset")}


def known_headers(columns, sheet_kind):
    """Every accepted wording's key → its column: the template's header first, then the other names."""
    synonyms = _synonyms()[sheet_kind]
    known = {}
    for column in columns:
        for name in (column.header, *synonyms.get(column.key, ())):
            for key in (header_key(name), _bare(header_key(name))):
                known.setdefault(key, column)
    return known


def _match(known, text):
    # A header typed with a .VnTime or VNI font matches in one of its readings ("Sè tê" is "Số tờ").
    for reading in readings(text):
        key = header_key(reading)
        column = known.get(key) or known.get(_bare(key))
        if column is not None:
            return column
    return None


@dataclass
class Header:
    row: int  # the spreadsheet's number of the (first) header row
    rows: int  # 1, or 2 for a header under merged group titles
    texts: list  # each column's header as the file writes it ("Thửa đất / Số tờ" for two rows)
    columns: dict  # position -> Column
    ignored: list  # headers of columns that are not the format's

    @property
    def last_row(self):
        return self.row + self.rows - 1


def _text(cell):
    return "" if is_blank(cell) else " ".join(str(cell).split())


def _one_row(known, cells):
    columns = {}
    for index, cell in enumerate(cells):
        column = _match(known, cell) if not is_blank(cell) else None
        if column is not None:
            columns[index] = column
    return columns, [_text(cell) for cell in cells]


def _two_rows(known, upper, lower):
    """Each column named by "group title + sub-header", by its sub-header, or by a title merged down.

    A merged group title sits in the first cell of its range only, so it carries over the
    following columns that have a sub-header but no title of their own.
    """
    width = max(len(upper), len(lower))
    upper = [_text(cell) for cell in upper] + [""] * (width - len(upper))
    lower = [_text(cell) for cell in lower] + [""] * (width - len(lower))
    columns, texts, group = {}, [], ""
    for index in range(width):
        if upper[index]:
            group = upper[index] if lower[index] else ""
        title = upper[index] or (group if lower[index] else "")
        candidates = (
            [f"{title} {lower[index]}", lower[index], title] if title and lower[index] else [title or lower[index]]
        )
        texts.append(" / ".join(part for part in (title, lower[index]) if part))
        for candidate in candidates:
            column = _match(known, candidate) if candidate else None
            if column is not None:
                columns[index] = column
                break
    return columns, texts


def _distinct(columns):
    return len({column.key for column in columns.values()})


def find_header(numbered_rows, columns, sheet_kind):
    """The header among the first rows: (Header or None, the rows after it, whether any row had content).

    The header is the row (or pair of rows) that names the most known columns; a pair wins
    only when it names more than either of its rows alone (a title above a header is no pair).
    """
    known = known_headers(columns, sheet_kind)
    numbered_rows = iter(numbered_rows)
    seen = list(itertools.islice(numbered_rows, HEADER_SEARCH_ROWS + 1))
    best, best_score, content = None, MIN_HEADER_MATCHES - 1, False
    for position, (number, cells) in enumerate(seen[:HEADER_SEARCH_ROWS]):
        if all(is_blank(cell) for cell in cells):
            continue
        content = True
        single, texts = _one_row(known, cells)
        if _distinct(single) > best_score:
            best, best_score = Header(number, 1, texts, single, []), _distinct(single)
        if position + 1 < len(seen) and seen[position + 1][0] == number + 1:
            pair, pair_texts = _two_rows(known, cells, seen[position + 1][1])
            lower, _texts = _one_row(known, seen[position + 1][1])
            if _distinct(pair) > max(best_score, _distinct(single), _distinct(lower)):
                best, best_score = Header(number, 2, pair_texts, pair, []), _distinct(pair)
    if best is None:
        return None, numbered_rows, content
    rest = [(number, cells) for number, cells in seen if number > best.last_row]
    return best, itertools.chain(rest, numbered_rows), True


def is_column_numbering(cells):
    """A row such as "(1) (2) (3)", "1 2 3" or "A B 1 2" under the header: it numbers the columns, it
    holds no data. Letters and numbers each count up by one, letters first; at least three cells."""
    values = [str(cell).strip().removesuffix(".0") for cell in cells if not is_blank(cell)]
    matches = [_COLUMN_NUMBER.match(value) for value in values]
    if len(values) < 3 or not all(matches):
        return False
    letters = [ord(match[1]) for match in matches if match[1]]
    numbers = [int(match[2]) for match in matches if match[2]]
    counting = all(
        sequence == list(range(sequence[0], sequence[0] + len(sequence))) for sequence in (letters, numbers) if sequence
    )
    return counting and all(match[1] for match in matches[: len(letters)])


def map_columns(sheet, header, columns, sheet_kind):
    """Column key → position. ImportRefused when a column comes twice or a required one is missing."""
    positions, headers = {}, {}
    for index, text in enumerate(header.texts):
        column = header.columns.get(index)
        if column is None:
            if text:
                header.ignored.append(text)
            continue
        if column.key in positions:
            raise ImportRefused(
                _("Sheet “%(sheet)s” has the column “%(column)s” twice (“%(first)s” and “%(second)s”).")
                % {"sheet": sheet, "column": column.header, "first": headers[column.key], "second": text},
                "duplicate_column",
            )
        positions[column.key] = index
        headers[column.key] = text
    missing = [column for column in columns if column.required and column.key not in positions]
    if missing:
        known = known_headers(columns, sheet_kind)
        raise ImportRefused(missing_columns_message(sheet, header, missing, known), "missing_column")
    return positions, headers


def _closest(column, found, known):
    """The found header most like one of the column's wordings, if any is alike enough."""
    wordings = [key for key, known_column in known.items() if known_column.key == column.key]
    best, best_ratio = None, CLOSE_ENOUGH
    for text in found:
        key = header_key(text)
        for wording in wordings:
            ratio = difflib.SequenceMatcher(None, key, wording).ratio()
            if ratio > best_ratio:
                best, best_ratio = text, ratio
    return best


def missing_columns_message(sheet, header, missing, known):
    found = [text for text in header.texts if text]
    names = []
    for column in missing:
        # Only a header that names no other column may be the missing one misspelt.
        closest = _closest(column, header.ignored, known)
        if closest:
            names.append(
                _("“%(column)s” (closest header: “%(closest)s”)") % {"column": column.header, "closest": closest}
            )
        else:
            names.append(f"“{column.header}”")
    return _(
        "Sheet “%(sheet)s” lacks the required column(s): %(columns)s. Headers found on row %(row)d: %(found)s. "
        "Rename the columns as in the downloadable template."
    ) % {
        "sheet": sheet,
        "columns": ", ".join(names),
        "row": header.row,
        "found": ", ".join(f"“{text}”" for text in found),
    }
