"""Checks an uploaded file passes BEFORE any parser sees it.

A file is refused when it is too large, is not what its name says (magic bytes), is a
zip bomb (declared sizes, compression ratio, member count, unsafe member names), carries
an XML document type declaration (entity expansion, external entities), or is a CSV that
is not UTF-8 text. Each refusal is an ImportRefused with a message for the user.

zipfile never inflates a member beyond the size its directory declares (it stops and
then fails the CRC check), so checking the declared sizes bounds what openpyxl reads.
"""

import io
import posixpath
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# XML compresses about ten- to thirtyfold; a bomb compresses a thousandfold.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_ABOVE = 1024 * 1024
SCAN_CHUNK = 64 * 1024

XLSX_MAGIC = b"PK\x03\x04"
XLSX_REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
FORMATS = {".xlsx": "xlsx", ".csv": "csv"}


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
    """xlsx or csv, from the name; anything else is refused."""
    extension = posixpath.splitext((file_name or "").lower())[1]
    if extension in FORMATS:
        return FORMATS[extension]
    if extension in (".xls", ".xlsm", ".xlsb", ".ods"):
        raise ImportRefused(
            _("“%(name)s” is not an .xlsx or .csv file. Open it in Excel and save it as “Excel Workbook (.xlsx)”.")
            % {"name": file_name},
            "extension",
        )
    raise ImportRefused(
        _("“%(name)s” is not an inventory sheet: upload an .xlsx or .csv file made from the template.")
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
    """The file's format (xlsx or csv) if it may be parsed; ImportRefused otherwise."""
    fmt = file_format(file_name)
    check_size(len(data))
    if fmt == "xlsx":
        check_xlsx(data)
    else:
        decode_csv(data)
    return fmt


def check_xlsx(data):
    if not data.startswith(XLSX_MAGIC):
        raise ImportRefused(
            _("The file is named .xlsx but is not an Excel workbook. Save it again from Excel as .xlsx."),
            "not_xlsx",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise ImportRefused(
            _("The workbook is damaged and cannot be opened. Save it again from Excel as .xlsx."), "bad_zip"
        ) from error
    with archive:
        _check_members(members)
        names = {member.filename for member in members}
        if not all(name in names for name in XLSX_REQUIRED_MEMBERS):
            raise ImportRefused(
                _("The file is a ZIP archive but not an Excel workbook. Save it from Excel as .xlsx."), "not_xlsx"
            )
        for member in members:
            if member.filename.endswith((".xml", ".rels", ".vml")) or member.filename == "[Content_Types].xml":
                _check_xml_member(archive, member)


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
    """The CSV's text: UTF-8 with or without a byte-order mark, and no binary bytes."""
    if data.startswith(XLSX_MAGIC):
        raise ImportRefused(_("The file is named .csv but is an Excel workbook: rename it to .xlsx."), "csv_is_zip")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            _(
                "The CSV file is not UTF-8 text (byte %(position)d). In Excel choose “Save as” → “CSV UTF-8 "
                "(Comma delimited)”."
            )
            % {"position": error.start + 1},
            "csv_encoding",
        ) from error
    bad = next((ch for ch in content if ord(ch) < 32 and ch not in "\t\r\n"), None)
    if bad is not None:
        raise ImportRefused(
            _("The file contains binary data and is not a CSV text file. Upload the list saved as CSV UTF-8."),
            "csv_binary",
        )
    return content
