"""Cell text made clean, and text typed in the legacy Vietnamese fonts read as Unicode.

Spreadsheets from the land-fund centres were often typed years ago with TCVN3 (ABC,
.VnTime) or VNI (VNI-Times) fonts: the cells hold Latin-1 characters that only those fonts
draw as Vietnamese letters ("Hé «ng N«ng V¨n Thö" is "Hộ ông Nông Văn Thử", "Hoä baø
Hoaøng" is "Hộ bà Hoàng").

- clean_text(value): invisible and control characters out, odd spaces made plain, NFC.
- detect_and_convert(text, proper_name=False): (text in Unicode, "tcvn3" | "vni") when the
  cell is legacy text, else (text unchanged, None). Conservative: a cell is converted only
  when it holds characters of the encoding that Unicode Vietnamese cannot explain, and every
  word it changes comes out as a Vietnamese syllable. proper_name (an owner's name, a
  village) gives back the capitals TCVN3's lower-case fonts cannot store ("Lª ThÞ ¸nh" is
  "Lê Thị Ánh").

The code tables are data, clearance/data/legacy_vietnamese_encodings.json, with their
sources. Pure functions: no models, no settings read.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "legacy_vietnamese_encodings.json"

TCVN3 = "tcvn3"
VNI = "vni"

ENCODING_LABELS = {
    TCVN3: gettext_lazy("TCVN3 (ABC, .VnTime fonts)"),
    VNI: gettext_lazy("VNI (VNI-Times fonts)"),
}


def conversion_note(original, converted, encoding):
    """A note for the import report, in the active language: “Converted from … “Hé «ng” → “Hộ ông”.”"""
    return _("Converted from the legacy font encoding %(encoding)s: “%(original)s” → “%(converted)s”.") % {
        "encoding": ENCODING_LABELS[encoding],
        "original": original,
        "converted": converted,
    }


# --- clean_text ------------------------------------------------------------------------

_ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
_SPACE_LIKE = "\t\n\r\v\f\x85\u2028\u2029\u00a0\u2007\u202f"
_CLEAN_TABLE = {ord(ch): None for ch in _ZERO_WIDTH}
_CLEAN_TABLE.update({cp: None for cp in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]})
_CLEAN_TABLE.update({ord(ch): " " for ch in _SPACE_LIKE})
# U+00AD (soft hyphen) is the letter "ư" in TCVN3: removed only from a cell that is not TCVN3.
_SOFT_HYPHEN = "\xad"
_DIRTY = re.compile("[" + re.escape(_ZERO_WIDTH + _SPACE_LIKE) + "\x00-\x1f\x7f\x80-\x9f]")
# Excel saves a character XML cannot hold (a vertical tab pasted from Word) as "_x000B_", and a
# typed "_x" as "_x005F_x"; openpyxl hands both on as written.
_OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def clean_text(value):
    """A str without zero-width characters, BOM and control characters, NFC-normalised.

    Tabs and line breaks (a cell typed with Alt+Enter) become one space each ("\\r\\n"
    counts as one), so do non-breaking and figure spaces. Spaces are neither collapsed nor
    stripped. A soft hyphen (U+00AD, invisible) is removed, except from a cell that reads
    as TCVN3, where it is the letter "ư". Excel's escapes ("_x000B_") are read first.
    Anything that is not a str is returned as it is.
    """
    if not isinstance(value, str):
        return value
    if "_x" in value:
        value = _OOXML_ESCAPE.sub(lambda match: chr(int(match[1], 16)), value)
    if value.isascii() and value.isprintable():
        return value
    if _DIRTY.search(value):
        value = value.replace("\r\n", "\n").translate(_CLEAN_TABLE)
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    if _SOFT_HYPHEN in value:
        # Invisible in a code or in Unicode Vietnamese; in TCVN3 "L\xadu V¨n" it is the "ư" of "Lưu Văn".
        if detect_and_convert(value)[1] != TCVN3:
            value = value.replace(_SOFT_HYPHEN, "")
    return value


# --- Vietnamese syllables --------------------------------------------------------------

_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|sl|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_RHYMES = """
a ai ao au ay ac ach am an ang anh ap at
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e eo ec em en eng ep et
ê êu êch êm ên êng ênh êp êt
i ia iu ich im in inh ip it iêc iêm iên iêng iêp iêt iêu
o oi oc om on ong op ot oong ooc
oa oai oao oay oac oach oam oan oang oanh oap oat oăc oăm oăn oăng oăt oe oeo oem oen oet
ô ôi ôc ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ui uc um un ung up ut ua uân uâng uât uây uê uêch uên uênh uôc uôi uôm uôn uông uôt uơ
uy uya uych uyn uynh uyp uyt uyu uyên uyêt
ư ưi ưu ưc ưm ưn ưng ưt ưa ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêt yêu
""".split()
_SYLLABLE = re.compile(
    f"(?:{_ONSETS})?(?:{'|'.join(sorted(_RHYMES, key=len, reverse=True))})",
)
_TONE_MARKS = {"\u0300": "grave", "\u0301": "acute", "\u0303": "tilde", "\u0309": "hook", "\u0323": "dot"}
_STOP_ENDINGS = ("c", "ch", "p", "t")


@lru_cache(maxsize=4096)
def is_vietnamese_syllable(word):
    """Whether a word has the shape of one Vietnamese syllable: "Nghiệm" yes, "Cafộ" no.

    Checks onset + rhyme against the inventory of the language, at most one tone mark, and
    that a syllable ending in c/ch/p/t carries the acute or dot tone. Where the tone mark
    sits ("hoà"/"hòa") is not checked.
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in _TONE_MARKS]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    if not _SYLLABLE.fullmatch(bare):
        return False
    if bare.endswith(_STOP_ENDINGS):
        return bool(tones) and _TONE_MARKS[tones[0]] in ("acute", "dot")
    return True


# --- the code tables -------------------------------------------------------------------


@cache
def letters():
    """The data file's rows: [{"unicode": "ộ", "tcvn3": "é", "vni": "oä"}, ...]."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))["letters"]


# Letters only Unicode Vietnamese has (outside Latin-1): a cell with one is not legacy text.
_UNICODE_VIETNAMESE = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u0300-\u036f\u1ea0-\u1ef9]"
)
# Latin-1 letters Unicode Vietnamese uses.
_UNICODE_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")


@dataclass(frozen=True)
class _Decoded:
    text: str
    exclusive: int  # characters of the encoding that Unicode Vietnamese never writes


class _Codec:
    name = ""

    def __init__(self, legacy_chars):
        non_ascii = sorted({ch for ch in legacy_chars if not ch.isascii()})
        self.candidate = re.compile("[" + re.escape("".join(non_ascii)) + "]")
        exclusive = [ch for ch in non_ascii if ch not in _UNICODE_LATIN1]
        self.exclusive = re.compile("[" + re.escape("".join(exclusive)) + "]")
        self.word = re.compile("[A-Za-z" + re.escape("".join(non_ascii)) + "]+")
        self.other = re.compile("[^\x00-\x7f" + re.escape("".join(non_ascii)) + "]")

    def decode_word(self, word):
        raise NotImplementedError

    def decode(self, text):
        return self.word.sub(lambda m: self.decode_word(m.group()), text)

    def convert(self, text):
        """_Decoded when text reads as this encoding, else None."""
        if any(ch.isalpha() for ch in self.other.findall(text)):
            return None  # a letter this encoding does not use: something else
        words = [w for w in self.word.findall(text) if not w.isascii()]
        # A lone "©" or "×" is a symbol: evidence only counts inside a word of two or more.
        long_words = [w for w in words if len(w) >= 2]
        exclusive = sum(len(self.exclusive.findall(w)) for w in long_words)
        if not exclusive and all(is_vietnamese_syllable(w) for w in long_words):
            return None  # reads as Unicode Vietnamese already ("Thôn Bó"): leave it
        decoded = [self.decode_word(w) for w in words]
        if not all(w is not None and is_vietnamese_syllable(w) for w in decoded):
            return None
        if not any(len(w) >= 2 for w in decoded):
            return None  # a lone "×" or "©" is a symbol, not the word "ì" or "â"
        return _Decoded(self.restore_case(text, self.decode(text)), exclusive)

    def restore_case(self, original, converted):
        return converted


class _Tcvn3(_Codec):
    """TCVN3 (VN3): one character per letter; str.translate."""

    name = TCVN3

    def __init__(self, rows):
        decode = {row["tcvn3"]: row["unicode"] for row in rows if not row.get("tcvn3_upper_font")}
        super().__init__(decode)
        self.table = str.maketrans(decode)
        # The toned letters: a lower-case font has no capital for them ("¸" is "á", never "Á").
        self.no_capital = frozenset(row["tcvn3"] for row in rows if row.get("tcvn3_upper_font"))

    def decode_word(self, word):
        return word.translate(self.table)

    def decode(self, text):
        return text.translate(self.table)

    def restore_case(self, original, converted):
        # Upper-case toned letters have no code of their own: text typed with an upper-case
        # font (.VnTimeH) stores them as lower-case codes. Its ASCII letters are capitals.
        ascii_letters = [ch for ch in original if ch.isascii() and ch.isalpha()]
        if len(ascii_letters) >= 2 and all(ch.isupper() for ch in ascii_letters):
            return converted.upper()
        return converted

    def capitalise_names(self, original, converted):
        """converted with the capitals a name was typed with but the font could not store.

        A word that starts with a toned vowel ("¸nh", "¶i") could not be typed as a capital
        in a lower-case .Vn font; in a name it is one when it opens the cell or follows a
        capitalised word: "Lª ThÞ ¸nh" is "Lê Thị Ánh", "Th«n ¶i" is "Thôn Ải". After a
        lower-case word ("Hé bµ ¸nh") it is left as typed. One code per letter: the positions
        of original and converted agree.
        """
        letters = list(converted)
        previous = None
        for match in self.word.finditer(original):
            start = match.start()
            if original[start] in self.no_capital and (previous is None or letters[previous].isupper()):
                letters[start] = letters[start].upper()
            previous = start
        return "".join(letters)


class _Vni(_Codec):
    """VNI Windows: a base letter and a mark character, or a character of its own."""

    name = VNI

    def __init__(self, rows):
        decode = {row["vni"]: row["unicode"] for row in rows}
        # A mark of the other case after a base letter (“Aù”) still means the base's letter.
        for row in rows:
            seq = row["vni"]
            if len(seq) == 2:
                decode.setdefault(seq[0] + seq[1].swapcase(), row["unicode"])
        super().__init__("".join(decode))
        self.decode_map = decode
        pattern = "|".join(re.escape(seq) for seq in sorted(decode, key=len, reverse=True) if not seq.isascii())
        self.sequence = re.compile(pattern)

    def decode_word(self, word):
        """The word decoded, or None when a mark is left with no letter before it."""
        if self.sequence.sub("", word).isascii():
            return self.sequence.sub(self._letter, word)
        return None

    def decode(self, text):
        return self.sequence.sub(self._letter, text)

    def _letter(self, match):
        return self.decode_map[match.group()]


@cache
def _codecs():
    rows = letters()
    return (_Tcvn3(rows), _Vni(rows))


def detect_and_convert(text, *, proper_name=False):
    """(text, encoding): the cell read as Unicode and "tcvn3" or "vni", or (text, None).

    Converts only when the text holds characters of the encoding and reads as that
    encoding: no foreign letters, at least one character Unicode Vietnamese never writes
    (or a word that is not Vietnamese as it stands), and every word it changes becomes a
    Vietnamese syllable. ASCII text, text with any Unicode-only Vietnamese letter, and
    non-str values are returned at once, unchanged. When both encodings fit, the one with
    more of its own characters wins; a tie is left alone.

    proper_name: the cell names a person, an organisation or a place (owner's name,
    village), so a word TCVN3 could only store in lower case gets its capital back when it
    opens the cell or follows a capitalised word (_Tcvn3.capitalise_names). Not for other
    text: "§Êt ë" is "Đất ở", not "Đất Ở".
    """
    if not isinstance(text, str) or text.isascii() or _UNICODE_VIETNAMESE.search(text):
        return text, None
    converted, encoding = _detect(text)
    if proper_name and encoding == TCVN3:
        converted = _codecs()[0].capitalise_names(text, converted)
    return converted, encoding


@lru_cache(maxsize=16384)
def _detect(text):
    # Cached: a file repeats its owners' names and the same origins on row after row.
    found = []
    for codec in _codecs():
        if codec.candidate.search(text):
            decoded = codec.convert(text)
            if decoded is not None and decoded.text != text:
                found.append((decoded.exclusive, codec.name, decoded.text))
    if not found:
        return text, None
    found.sort(reverse=True)
    if len(found) > 1 and found[0][0] == found[1][0]:
        return text, None
    _, name, converted = found[0]
    return converted, name


def encode(text, encoding):
    """Unicode Vietnamese written the way a TCVN3 or VNI font stores it (for tests, exports).

    TCVN3 has no codes for upper-case toned letters: they come out as the lower-case code
    (what a .VnTimeH font shows as a capital).
    """
    column = {TCVN3: "tcvn3", VNI: "vni"}[encoding]
    table = _encode_tables()[column]
    return "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


@cache
def _encode_tables():
    return {column: {row["unicode"]: row[column] for row in letters()} for column in ("tcvn3", "vni")}


def decode(text, encoding):
    """Legacy text decoded without any detection: every character/sequence of the table."""
    codec = {c.name: c for c in _codecs()}[encoding]
    return codec.restore_case(text, codec.decode(text))


def readings(text):
    """text, then its TCVN3 and VNI readings where they differ: [str, ...], text first.

    For matching a closed vocabulary (column headers, list words, "Tổng cộng"): a reading
    that matches a known wording is the right one, so no detection is needed, and a short
    cell such as "Sè tê" ("Số tờ"), which also reads as Unicode, is still understood. Not for
    free text: there, use detect_and_convert. Non-str values give [value].
    """
    if not isinstance(text, str) or text.isascii() or _UNICODE_VIETNAMESE.search(text):
        return [text]
    found = [text]
    for codec in _codecs():
        if codec.candidate.search(text):
            converted = codec.restore_case(text, codec.decode(text))
            if converted not in found:
                found.append(converted)
    return found
