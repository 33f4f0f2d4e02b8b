"""Checks an uploaded file passes BEFORE any parser sees it.

A file is refused when it is too large, is not what its name says (magic bytes: ZIP for
.xlsx and .ods, OLE2 for .xls), is a zip bomb (declared sizes, compression ratio, member
count, unsafe member names), carries an XML document type declaration (entity expansion,
external entities), is a Strict Open XML workbook, or is a CSV that is not UTF-8 or UTF-16
text. Each refusal is an ImportRefused with a message for the user.

zipfile never inflates a member beyond the size its directory declares (it stops and
then fails the CRC check), so checking the declared sizes bounds what openpyxl reads.
"""

import io
import posixpath
import re
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clearance.inventory.biff import Encrypted, NotBiff, cell_extent

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# XML compresses about ten- to thirtyfold; a bomb compresses a thousandfold.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_ABOVE = 1024 * 1024
SCAN_CHUNK = 64 * 1024

XLSX_MAGIC = b"PK\x03\x04"
XLSX_REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
# Excel 97–2003 files are OLE2 compound documents.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ODS_REQUIRED_MEMBERS = ("mimetype", "content.xml")
ODS_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODS_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
# A cell with content beyond these unfolds a sheet far past any list (.xls sheets stop at 256 columns).
ODS_MAX_COLUMNS = 256
ODS_SLACK_ROWS = 100  # title rows, totals and signatures
# The grid calamine builds for an .xls or .ods sheet, first cell to last, at ~60 bytes a cell: 2 million
# cells (~120 MB) hold a 20,000-row list of 100 columns.
MAX_GRID_CELLS = 2_000_000
# "Strict Open XML Spreadsheet" in Excel's Save As list; openpyxl reads only the usual (transitional) form.
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
FORMATS = {".xlsx": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "csv"}
EXTENSIONS = ".xlsx,.xls,.ods,.csv"  # for the upload field's "accept"
_SAVE_AS_XLSX = gettext_lazy(
    "(File → Save As → Excel Workbook; in Vietnamese Excel: Tệp → Lưu Thành → Sổ làm việc Excel)"
)


class ImportRefused(Exception):
    """The file is refused as a whole; the message says why, in the user's language."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


def max_bytes():
    return getattr(settings, "LSIP_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def file_format(file_name):
    """xlsx, xls, ods or csv, from the name; anything else is refused."""
    extension = posixpath.splitext((file_name or "").lower())[1]
    if extension in FORMATS:
        return FORMATS[extension]
    if extension in (".xlsm", ".xlsb"):
        raise ImportRefused(
            _(
                "“%(name)s” is not an .xlsx, .xls, .ods or .csv file. Open it in Excel and save it as “Excel "
                "Workbook (.xlsx)” %(menu)s."
            )
            % {"name": file_name, "menu": _SAVE_AS_XLSX},
            "extension",
        )
    raise ImportRefused(
        _("“%(name)s” is not an inventory sheet: upload an .xlsx, .xls, .ods or .csv file made from the template.")
        % {"name": file_name},
        "extension",
    )


def check_size(size):
    if size > max_bytes():
        raise ImportRefused(
            _("The file is %(size)s; the limit is %(limit)s. Split the list into several files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())},
            "too_large",
        )
    if size == 0:
        raise ImportRefused(_("The file is empty."), "empty")


def check_file(file_name, data):
    """The file's format (xlsx, xls, ods or csv) if it may be parsed; ImportRefused otherwise."""
    fmt = file_format(file_name)
    check_size(len(data))
    if fmt == "xlsx":
        check_xlsx(data)
    elif fmt == "xls":
        check_xls(data)
    elif fmt == "ods":
        check_ods(data)
    else:
        decode_csv(data)
    return fmt


def check_xlsx(data):
    if data.startswith(OLE2_MAGIC):
        raise ImportRefused(
            _(
                "The file is named .xlsx but is an Excel 97–2003 workbook or a password-protected one. Remove any "
                "password, then save it again as .xlsx %(menu)s."
            )
            % {"menu": _SAVE_AS_XLSX},
            "not_xlsx",
        )
    if not data.startswith(XLSX_MAGIC):
        raise ImportRefused(
            _("The file is named .xlsx but is not an Excel workbook. Save it again from Excel as .xlsx."),
            "not_xlsx",
        )
    with _checked_zip(data) as archive:
        names = set(archive.namelist())
        if not all(name in names for name in XLSX_REQUIRED_MEMBERS):
            raise ImportRefused(
                _("The file is a ZIP archive but not an Excel workbook. Save it from Excel as .xlsx."), "not_xlsx"
            )
        with archive.open("xl/workbook.xml") as workbook:
            head = workbook.read(SCAN_CHUNK)
        if STRICT_NAMESPACE in head:
            raise ImportRefused(
                _(
                    "The workbook was saved as “Strict Open XML Spreadsheet”, a form of .xlsx that cannot be read "
                    "here. Open it in Excel and save it again as “Excel Workbook (.xlsx)” %(menu)s."
                )
                % {"menu": _SAVE_AS_XLSX},
                "strict_ooxml",
            )


def check_xls(data):
    """An Excel 97–2003 workbook: an OLE2 file (calamine reads it; there is no XML to check)."""
    if data.startswith(XLSX_MAGIC):
        raise ImportRefused(
            _("The file is named .xls but is an Excel 2007 or later workbook: rename it to .xlsx."), "xls_is_zip"
        )
    if not data.startswith(OLE2_MAGIC):
        # Many programs export a web page and name it .xls; Excel opens it, with a warning.
        raise ImportRefused(
            _(
                "The file is named .xls but is not an Excel 97–2003 workbook (programs often export a web page "
                "under that name). Open it in Excel and save it as “Excel Workbook (.xlsx)” %(menu)s."
            )
            % {"menu": _SAVE_AS_XLSX},
            "not_xls",
        )
    try:
        rows, columns = cell_extent(data)
    except Encrypted as error:
        raise ImportRefused(
            _(
                "The workbook is password-protected. Open it in Excel, remove the password (File → Info → Protect "
                "Workbook → Encrypt with Password, and clear it; in Vietnamese Excel: Tệp → Thông tin → Bảo vệ Sổ "
                "làm việc → Mã hóa bằng Mật khẩu) and save it again."
            ),
            "zip_encrypted",
        ) from error
    except NotBiff as error:
        raise ImportRefused(
            _("The file is named .xls but holds no Excel workbook. Open it in Excel and save it as .xlsx %(menu)s.")
            % {"menu": _SAVE_AS_XLSX},
            "not_xls",
        ) from error
    _check_grid(rows, columns)


def _check_grid(rows, columns):
    """Refuse, unread, a sheet whose cells reach farther than any inventory list: the reader would build it whole."""
    from clearance.inventory.reading.rows import BLANK_ROW_ALLOWANCE, max_rows

    if rows > max_rows() + BLANK_ROW_ALLOWANCE + ODS_SLACK_ROWS or rows * columns > MAX_GRID_CELLS:
        raise ImportRefused(
            _(
                "The workbook's cells reach row %(rows)d and column %(columns)d, far beyond an inventory list of "
                "at most %(limit)d rows: something was typed or pasted far from the list. Delete the rows and "
                "columns after the list (select them, right-click → Delete; in Vietnamese Excel: Xóa), save and "
                "upload again."
            )
            % {"rows": rows, "columns": columns, "limit": max_rows()},
            "too_large_grid",
        )


def check_ods(data):
    """An OpenDocument spreadsheet: a ZIP whose "mimetype" part says so, checked like an .xlsx."""
    not_ods = ImportRefused(
        _(
            "The file is named .ods but is not an OpenDocument spreadsheet. Save it again from LibreOffice Calc "
            "as .ods, or from Excel as .xlsx."
        ),
        "not_ods",
    )
    if not data.startswith(XLSX_MAGIC):
        raise not_ods
    with _checked_zip(data) as archive:
        names = set(archive.namelist())
        if not all(name in names for name in ODS_REQUIRED_MEMBERS) or archive.read("mimetype").strip() != ODS_MIMETYPE:
            raise not_ods
        if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
            raise ImportRefused(
                _("The spreadsheet is password-protected. Remove the password and save it again."), "zip_encrypted"
            )
        with archive.open("content.xml") as content:
            _check_ods_extent(content)


def _check_ods_extent(content):
    """Refuse a sheet whose repeated rows or cells would unfold past the row limit.

    OpenDocument writes N equal rows once with number-rows-repeated="N", and the reader
    unfolds them: a 1 KB file can ask for millions of cells. Empty repeats (LibreOffice ends
    every sheet with a million of them) unfold to nothing and are not counted.
    """
    from defusedxml.ElementTree import iterparse

    from clearance.inventory.reading.rows import BLANK_ROW_ALLOWANCE, max_rows

    table, row, cell = (f"{{{ODS_TABLE_NS}}}{name}" for name in ("table", "table-row", "table-cell"))
    repeated_rows, repeated_columns = (
        f"{{{ODS_TABLE_NS}}}number-rows-repeated",
        f"{{{ODS_TABLE_NS}}}number-columns-repeated",
    )
    row_limit = max_rows() + BLANK_ROW_ALLOWANCE + ODS_SLACK_ROWS
    row_number = last_row = last_column = 0
    for event, element in iterparse(content, events=("start", "end")):
        if element.tag == table and event == "start":
            row_number = 0
        elif element.tag == row and event == "end":
            repeat = int(element.get(repeated_rows) or 1)
            column, last_filled = 0, 0
            for child in element:
                if child.tag == cell or child.tag.endswith("covered-table-cell"):
                    column += int(child.get(repeated_columns) or 1)
                    if len(child) or child.get(f"{{{ODS_OFFICE_NS}}}value-type"):
                        last_filled = column
            if last_filled:
                if row_number + repeat > row_limit or last_filled > ODS_MAX_COLUMNS:
                    _refuse_bomb()
                last_row, last_column = max(last_row, row_number + repeat), max(last_column, last_filled)
            row_number += repeat
            element.clear()
    if last_row * last_column > MAX_GRID_CELLS:
        _check_grid(last_row, last_column)


def _checked_zip(data):
    """The archive, open, once its parts passed the zip-bomb, path and XML checks."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise ImportRefused(
            _("The workbook is damaged and cannot be opened. Save it again from Excel as .xlsx."), "bad_zip"
        ) from error
    try:
        _check_members(members)
        for member in members:
            if member.filename.endswith((".xml", ".rels", ".vml")) or member.filename == "[Content_Types].xml":
                _check_xml_member(archive, member)
    except BaseException:
        archive.close()
        raise
    return archive


def _refuse_bomb():
    raise ImportRefused(
        _(
            "The workbook unpacks to far more data than an inventory list holds (a “zip bomb”); it was refused "
            "unread. Save the list again from Excel as .xlsx."
        ),
        "zip_bomb",
    )


def _check_members(members):
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportRefused(
            _("The workbook holds %(count)d parts, more than an Excel workbook has; it was refused unread.")
            % {"count": len(members)},
            "zip_members",
        )
    total = 0
    for member in members:
        name = member.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
            raise ImportRefused(
                _("The workbook contains a part with an unsafe path (“%(name)s”); it was refused unread.")
                % {"name": name[:100]},
                "zip_path",
            )
        if member.flag_bits & 0x1:
            raise ImportRefused(
                _("The workbook is password-protected. Remove the password and save it again."), "zip_encrypted"
            )
        total += member.file_size
        ratio_too_high = member.file_size > RATIO_CHECKED_ABOVE and member.file_size > MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        )
        if ratio_too_high or total > MAX_UNCOMPRESSED_BYTES:
            _refuse_bomb()


def _check_xml_member(archive, member):
    """No DTD at all: Excel never writes one, and entity tricks need one."""
    tail = b""
    with archive.open(member) as stream:
        first = True
        while chunk := stream.read(SCAN_CHUNK):
            if first:
                first = False
                # UTF-16 would hide "<!DOCTYPE" from a byte scan; Excel writes UTF-8.
                if chunk.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00", b"\x00\x00")):
                    raise ImportRefused(
                        _("The workbook is not in the format Excel writes (part “%(name)s”). Save it again as .xlsx.")
                        % {"name": member.filename[:100]},
                        "xml_encoding",
                    )
            window = (tail + chunk).upper()
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise ImportRefused(
                    _(
                        "The workbook contains an XML document type declaration (part “%(name)s”), which Excel never "
                        "writes and which can hide an attack (entity expansion). It was refused unread."
                    )
                    % {"name": member.filename[:100]},
                    "xml_dtd",
                )
            tail = chunk[-16:]


def decode_csv(data):
    """The CSV's text: UTF-8 with or without a byte-order mark, or UTF-16; no binary bytes.

    Excel's "Unicode Text" is UTF-16 with a byte-order mark, separated by tabs; other programs
    write UTF-16 without the mark, which the zero bytes beside every ASCII letter then show.
    A file in an ANSI code page (Excel's plain "CSV (Comma delimited)" on Windows: Windows-1258
    or -1252) is refused, as is UTF-8 text that was once read as such a code page and saved
    again ("Nguyá»…n"): either way the Vietnamese letters are lost or garbled.
    """
    if data.startswith(XLSX_MAGIC):
        raise ImportRefused(_("The file is named .csv but is an Excel workbook: rename it to .xlsx."), "csv_is_zip")
    if data.startswith(OLE2_MAGIC):
        raise ImportRefused(
            _("The file is named .csv but is an Excel 97–2003 workbook: rename it to .xls."), "csv_is_xls"
        )
    try:
        # The byte-order mark says which end first, and is dropped.
        encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_without_mark(data)
        content = data.decode(encoding or "utf-8-sig")
        if encoding and _not_latin(content):
            raise UnicodeDecodeError("utf-16", data, 0, 2, "not Latin text")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRefused(
            _(
                "The CSV file is not UTF-8 text (line %(line)d): it was probably saved as “CSV (Comma delimited)”, "
                "which writes Vietnamese letters in an old code page. Open the list in Excel and choose “Save as” "
                "→ “CSV UTF-8 (Comma delimited)” (in Vietnamese Excel: Lưu Thành → CSV UTF-8), or save it as .xlsx."
            )
            % {"line": line},
            "csv_encoding",
        ) from error
    # A stray control character (a pasted vertical tab, DOS's end-of-file Ctrl-Z) is cleaned from
    # its cell like any other; a NUL or many of them mean the bytes are not text at all.
    controls = sum(1 for ch in content if ord(ch) < 32 and ch not in "\t\r\n")
    if "\0" in content or controls > max(8, len(content) // 100):
        raise ImportRefused(
            _("The file contains binary data and is not a CSV text file. Upload the list saved as CSV UTF-8."),
            "csv_binary",
        )
    garbled = _garbled_line(content)
    if garbled:
        number, sample = garbled
        raise ImportRefused(
            _(
                "The CSV file's Vietnamese letters are garbled (line %(line)d: “%(text)s”): the file was opened "
                "with the wrong encoding and saved again. Take the list as it was first saved, or fix it in Excel "
                "and save it as “CSV UTF-8 (Comma delimited)” (in Vietnamese Excel: Lưu Thành → CSV UTF-8)."
            )
            % {"line": number, "text": sample},
            "csv_garbled",
        )
    return content


def _utf16_without_mark(data):
    """ "utf-16-le" or "utf-16-be" when zero bytes sit beside most of the first bytes, as in ASCII text in UTF-16."""
    head = data[: SCAN_CHUNK & ~1]
    if len(head) < 4:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd * 2 > len(head) // 2 and even == 0:
        return "utf-16-le"
    if even * 2 > len(head) // 2 and odd == 0:
        return "utf-16-be"
    return None


# What the UTF-8 lead bytes of Vietnamese letters look like when read as Windows-1252 or -1258
# ("Ã©", "Ä‘", "Æ°", "á»…"): only lines holding one are tried.
_GARBLED_LEADS = "ÃÄÅÆáº»"
_WORD = re.compile(r"[^\s,;\t\"]+")


def _garbled_line(content):
    """(line number, text) of the first line with a word that is UTF-8 read as an ANSI code page, else None.

    A word is garbled when re-encoding it in Windows-1252 or -1258 gives valid UTF-8 (different
    from it, since it holds a letter beyond ASCII): readable Vietnamese practically never does.
    """
    for number, line in enumerate(content[: SCAN_CHUNK * 4].splitlines(), start=1):
        if not any(lead in line for lead in _GARBLED_LEADS):
            continue
        for word in _WORD.findall(line):
            if any(lead in word for lead in _GARBLED_LEADS) and _repairable(word):
                return number, line.strip()[:60]
    return None


def _repairable(word):
    for code_page in ("cp1252", "cp1258"):
        try:
            word.encode(code_page).decode("utf-8")
        except UnicodeError:
            continue
        return True
    return False


def _not_latin(content):
    """Whether most letters are CJK or beyond, as bytes read the wrong way round (or not text) become.

    Vietnamese is written in Latin letters; a list in UTF-16 of anything else is not a list.
    """
    letters = [ch for ch in content[:SCAN_CHUNK] if not ch.isspace()]
    return sum(ord(ch) >= 0x2E80 for ch in letters) * 2 > len(letters)
