"""Cell text cleaning and legacy-font (TCVN3, VNI) conversion: clearance.inventory.legacy_text."""

import json
import unicodedata

import openpyxl
import pytest

from clearance.inventory.legacy_text import (
    DATA_FILE,
    TCVN3,
    VNI,
    clean_text,
    conversion_note,
    decode,
    detect_and_convert,
    encode,
    is_vietnamese_syllable,
    letters,
)
from tests.clearance.test_imports import FILES

BASES = "a ă â e ê i o ô ơ u ư y".split()
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # none, huyền, hỏi, ngã, sắc, nặng
LOWER = [unicodedata.normalize("NFC", base + tone) for base in BASES for tone in TONES] + ["đ"]
UPPER = [letter.upper() for letter in LOWER]


# --- the table -------------------------------------------------------------------------


def test_the_table_has_every_letter_once_and_names_its_sources():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert data["sources"] and all(source["checked"] for source in data["sources"])
    unicode_letters = [row["unicode"] for row in letters()]
    assert len(unicode_letters) == len(set(unicode_letters)) == 134  # 67 non-ASCII letters, both cases
    assert set(unicode_letters) == {ch for ch in LOWER + UPPER if not ch.isascii()}
    # Decoding is unambiguous: one legacy code or sequence per letter.
    tcvn3 = [row["tcvn3"] for row in letters() if not row.get("tcvn3_upper_font")]
    assert len(tcvn3) == len(set(tcvn3)) == 74
    vni = [row["vni"] for row in letters()]
    assert len(vni) == len(set(vni)) == 134


@pytest.mark.parametrize("encoding", [TCVN3, VNI])
@pytest.mark.parametrize("letter", LOWER)
def test_every_lower_case_letter_with_every_tone_round_trips(encoding, letter):
    encoded = encode(letter, encoding)
    assert decode(encoded, encoding) == letter
    assert decode(encode("ngh" + letter, encoding), encoding) == "ngh" + letter


@pytest.mark.parametrize("letter", UPPER)
def test_every_upper_case_letter_round_trips_in_vni(letter):
    assert decode(encode(letter, VNI), VNI) == letter
    assert decode(encode("NGH" + letter + "NG", VNI), VNI) == "NGH" + letter + "NG"


@pytest.mark.parametrize("letter", UPPER)
def test_every_upper_case_letter_round_trips_in_tcvn3_in_capitals(letter):
    # VN3 has codes for Ă Â Ê Ô Ơ Ư Đ only; a toned capital is a lower-case code drawn by an
    # upper-case font (.VnTimeH), so a word in capitals gets its capitals back.
    assert decode(encode("NGH" + letter + "NG", TCVN3), TCVN3) == "NGH" + letter + "NG"
    if letter in "ĂÂÊÔƠƯĐ" or letter.isascii():
        assert decode(encode(letter, TCVN3), TCVN3) == letter


def test_the_table_agrees_with_the_known_codes():
    assert encode("Hộ ông Nông Văn Thử", TCVN3) == "Hé «ng N«ng V¨n Thö"
    assert encode("Nhà nước giao đất không thu tiền", TCVN3) == "Nhµ n\xadíc giao ®Êt kh«ng thu tiÒn"
    assert encode("Hộ bà Hoàng Thị Mẫu", VNI) == "Hoä baø Hoaøng Thò Maãu"
    assert encode("Đặng Ỵ Ỉ ĩ", VNI) == "Ñaëng Î Æ ó"
    assert encode("Đồng Ấ", TCVN3) == "§ång Ê"


# --- detection -------------------------------------------------------------------------

C11_EXPECTED = {
    "Hé «ng N«ng V¨n Thö": ("Hộ ông Nông Văn Thử", TCVN3),
    "Th«n Thö NghiÖm": ("Thôn Thử Nghiệm", TCVN3),
    "Hoä baø Hoaøng Thò Maãu": ("Hộ bà Hoàng Thị Mẫu", VNI),
    "L\xad¬ng V¨n Gi¶": ("Lương Văn Giả", TCVN3),
    "Nhµ n\xadíc giao ®Êt kh«ng thu tiÒn": ("Nhà nước giao đất không thu tiền", TCVN3),
}


def test_the_c11_file_converts_its_legacy_cells_and_leaves_the_rest():
    sheet = openpyxl.load_workbook(FILES / "c11_tcvn3_vni_fonts.xlsx", read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    seen = set()
    for row in body:
        for name, value in zip(header, row, strict=True):
            converted, encoding = detect_and_convert(clean_text(value))
            if value in C11_EXPECTED:
                assert (converted, encoding) == C11_EXPECTED[value], name
                seen.add(value)
            else:
                assert (converted, encoding) == (value, None), name
    assert seen == set(C11_EXPECTED)
    names = {row[header.index("Họ tên / tên tổ chức")] for row in body}
    assert {detect_and_convert(name)[0] for name in names} == {
        "Hộ ông Nông Văn Thử",
        "Hộ bà Hoàng Thị Mẫu",
        "Lương Văn Giả",
    }


@pytest.mark.parametrize(
    "text, expected, encoding",
    [
        ("Th«n 5, x· Hå S¬n, huyÖn H÷u Lòng", "Thôn 5, xã Hồ Sơn, huyện Hữu Lũng", TCVN3),
        ("§inh V¨n Ch©u", "Đinh Văn Châu", TCVN3),
        ("ë nhµ", "ở nhà", TCVN3),
        ("Hé «NG N«NG V¨N THö", "HỘ ÔNG NÔNG VĂN THỬ", TCVN3),  # typed with .VnTimeH
        ("Leâ Vaên Sôn", "Lê Văn Sơn", VNI),  # only marks Unicode also has, in non-Vietnamese words
        ("Tröông Thò Hoa", "Trương Thị Hoa", VNI),
        ("Ñoàng Ñaêng", "Đồng Đăng", VNI),
        ("NGUYEÃN VAÊN ÑAËNG", "NGUYỄN VĂN ĐẶNG", VNI),
        ("Aùnh", "Ánh", VNI),  # a lower-case mark after a capital
    ],
)
def test_legacy_text_is_converted(text, expected, encoding):
    assert detect_and_convert(text) == (expected, encoding)


@pytest.mark.parametrize(
    "text",
    [
        # Unicode Vietnamese, including cells of Latin-1 letters only
        "Thôn Thử Nghiệm",
        "Thôn Thử Nghiệm, xã Hồ Sơn, huyện Hữu Lũng",
        "Nhà nước giao đất không thu tiền",
        "Thôn Bó",
        "Bé Tí",
        "Cô Tô",
        "Hoàng Thò",
        "trước 2025",
        # English, codes, IDs, numbers
        "Household",
        "individual",
        "LUC",
        "ONT; CLN",
        "T11-01",
        "020185009901",
        "1.234,5",
        "1234.5 m²",
        "½ ha",
        "© 2020",
        "5 × 3 m",
        "Bó × 2",
        "Cô Tô ©",
        # Latin-1 words of other languages, in addresses
        "Café",
        "12 Rue de la Paix, Café Noël",
        "Müller",
        "Señor",
        "São Paulo",
        "Zürich",
        "naïve",
        "Øresund",
        "Ångström",
        "déjà vu",
        "Nº 5",
        "«Nhà»",
        "",
    ],
)
def test_other_text_is_left_as_is(text):
    assert detect_and_convert(text) == (text, None)


@pytest.mark.parametrize("value", [None, 12, 1234.5, True])
def test_values_that_are_not_text_pass(value):
    assert detect_and_convert(value) == (value, None)
    assert clean_text(value) is value


NAMES = [
    "Hộ ông Nông Văn Thử",
    "Hộ bà Hoàng Thị Mẫu",
    "Lương Văn Giả",
    "Nguyễn Thị Ngọc Huyền",
    "Triệu Đức Thuận",
    "Hứa Văn Quyết",
    "Lăng Thị Khuyên",
    "Vi Văn Chiến",
    "Bế Thị Hường",
    "Đinh Xuân Trường",
    "Thôn Khuổi Khỉn, xã Hữu Liên",
    "Thị trấn Đồng Đăng, huyện Cao Lộc",
    "Đất trồng lúa nước còn lại",
    "Nhà nước giao đất có thu tiền sử dụng đất",
    "Thuê đất trả tiền hằng năm",
    "Đường Trần Hưng Đạo, phường Chi Lăng",
]


@pytest.mark.parametrize("encoding", [TCVN3, VNI])
@pytest.mark.parametrize("text", NAMES)
def test_vietnamese_written_in_either_font_comes_back(encoding, text):
    legacy = encode(text, encoding)
    assert detect_and_convert(legacy) == (text, encoding)
    assert detect_and_convert(text) == (text, None)  # and the Unicode stays


def test_syllable_shapes():
    for word in ["nghiệm", "Thử", "khuỷu", "quyết", "giếng", "đất", "ươu", "Nà", "xoong"]:
        assert is_vietnamese_syllable(word), word
    for word in ["Cafộ", "Noởl", "bat", "hoàá", "Leâ", "ôLe", "Street"]:
        assert not is_vietnamese_syllable(word), word


def test_a_conversion_note_names_the_encoding():
    note = str(conversion_note("Hé «ng", "Hộ ông", TCVN3))
    assert "TCVN3" in note and "Hé «ng" in note and "Hộ ông" in note


# --- clean_text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("\ufeffLUC", "LUC"),
        ("Nông\u200bVăn\u200c\u200d Thử\u2060", "NôngVăn Thử"),
        ("Hộ\u00a0ông\u202fNông\u2007Văn", "Hộ ông Nông Văn"),
        ("Hộ ông\nNông\tVăn", "Hộ ông Nông Văn"),
        ("Hộ ông\r\nNông", "Hộ ông Nông"),
        ("T11\x00-\x0701\x7f\x9f", "T11-01"),
        ("Ho\u0302\u0323 o\u0302ng", "Hộ ông"),  # decomposed, as some Mac files have it: NFC
        ("L\xad¬ng V¨n Gi¶", "L\xad¬ng V¨n Gi¶"),  # the soft hyphen is TCVN3's "ư": kept
        ("  LUC  ", "  LUC  "),  # spaces are the reader's business
        ("Thôn Thử Nghiệm", "Thôn Thử Nghiệm"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_a_cleaned_legacy_cell_still_converts():
    assert detect_and_convert(clean_text("\ufeffHé\u00a0«ng N«ng V¨n Thö\u200b")) == ("Hộ ông Nông Văn Thử", TCVN3)
