"""python manage.py import_inventory: exit status, printed errors, --dry-run, scope."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from clearance.models import Case, InventoryImport, LandParcel
from tests.clearance.test_imports import CAO_LOC_DONG_DANG, counts, csv_bytes, local_staff, many, parcel, xlsx_bytes

pytestmark = pytest.mark.usefixtures("in_english")


def test_the_command_speaks_the_site_language_vietnamese(tmp_path, huu_lung, vsip_phase):
    with translation.override(settings.LANGUAGE_CODE), pytest.raises(CommandError, match="Không có người dùng"):
        call_command(
            "import_inventory",
            str(write(tmp_path, "a.csv", b"x")),
            "--phase",
            str(vsip_phase.pk),
            "--user",
            "nobody",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def run(*args):
    """The command's exit status (a CommandError exits with its returncode) and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_inventory", *args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"CommandError: {error}\n")
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_a_good_file_is_imported_with_a_one_line_summary(tmp_path, huu_lung, vsip_phase):
    path = write(tmp_path, "kiem-dem.csv", csv_bytes(many(6)))
    out = io.StringIO()
    call_command("import_inventory", path, phase=vsip_phase.pk, user="huulung", stdout=out)
    assert counts()[:4] == (3, 6, 0, 1)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1 and "kiem-dem.csv" in lines[0] and "6" in lines[0]
    assert {h.history_user for h in Case.history.all()} == {huu_lung}
    assert InventoryImport.objects.get().status == "applied"


def test_a_bad_file_exits_non_zero_prints_the_errors_and_writes_nothing(tmp_path, huu_lung, vsip_phase):
    rows = [*many(50), parcel("HS-X", 2, **{"Mã xã": CAO_LOC_DONG_DANG, "Loại đất": "ABC"})]
    path = write(tmp_path, "xau.xlsx", xlsx_bytes(rows))
    before = counts()
    status, out, err = run(path, "--phase", str(vsip_phase.pk), "--user", "huulung")
    assert status == 1
    assert "row 52" in err and "“Mã xã”" in err and "“Loại đất”" in err
    assert "2 error(s); nothing was written" in err
    assert counts() == before


def test_a_refused_file_exits_non_zero(tmp_path, huu_lung, vsip_phase):
    path = write(tmp_path, "danh-sach.csv", b"\x00\x01\x02binary")
    status, _out, err = run(path, "--phase", str(vsip_phase.pk), "--user", "huulung")
    assert status == 1 and "File refused" in err
    assert InventoryImport.objects.count() == 0


def test_dry_run_writes_nothing(tmp_path, huu_lung, vsip_phase):
    path = write(tmp_path, "a.xlsx", xlsx_bytes(many(10)))
    before = counts()
    status, out, _err = run(path, "--phase", str(vsip_phase.pk), "--user", "huulung", "--dry-run")
    assert status == 0
    assert "Dry run" in out and "5 created" in out and "10 created" in out
    assert counts() == before


def test_the_user_and_the_phase_must_exist_and_match(tmp_path, huu_lung, vsip_phase):
    path = write(tmp_path, "a.csv", csv_bytes(many(2)))
    with pytest.raises(CommandError, match="No user"):
        call_command("import_inventory", path, phase=vsip_phase.pk, user="nobody")
    local_staff("caoloc", 183)
    with pytest.raises(CommandError, match="No phase"):
        call_command("import_inventory", path, phase=vsip_phase.pk, user="caoloc")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_inventory", str(tmp_path / "missing.csv"), phase=vsip_phase.pk, user="huulung")
    assert LandParcel.objects.count() == 0
