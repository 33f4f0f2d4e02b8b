"""create_staff: accounts with a role and an area from the command line, or nothing at all."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.factories import InvestorFactory, StaffProfileFactory, UserFactory
from zones.access import scope_for
from zones.models import AdminUnit, StaffProfile

PASSWORD = "Lang-Son-Huu-Lung-2025"
User = get_user_model()
Role = StaffProfile.Role


pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("LSIP_STAFF_PASSWORD", PASSWORD)
    return PASSWORD


@pytest.fixture
def vsip(lang_son):
    return InvestorFactory(name="Công ty TNHH Phát triển VSIP Lạng Sơn Thử", short_name="VSIP-T")


def run(*args):
    out = io.StringIO()
    call_command("create_staff", *args, stdout=out)
    return out.getvalue().strip()


def unit(structure, code):
    return AdminUnit.objects.get(structure=structure, code=code)


def assert_nothing_created():
    assert not User.objects.exists()
    assert not StaffProfile.objects.exists()


def test_creates_local_staff_for_a_district(lang_son, password):
    out = run("can_bo_hl", "--role", "local", "--unit", "186", "--email", "hl@langson.gov.vn")

    user = User.objects.get(username="can_bo_hl")
    assert user.check_password(PASSWORD)
    assert user.email == "hl@langson.gov.vn"
    assert not user.is_staff and not user.is_superuser
    profile = user.staff_profile
    assert profile.role == Role.LOCAL_STAFF
    assert list(profile.units.all()) == [unit("legacy", 186)]
    assert "Huyện Hữu Lũng" in out and "can_bo_hl" in out and len(out.splitlines()) == 1
    # The account works: its scope covers the district's communes.
    assert scope_for(user).covers_unit(unit("legacy", 6451).pk)
    assert not scope_for(user).covers_unit(unit("legacy", 183).pk)


def test_creates_local_staff_with_several_units(lang_son, password):
    run("can_bo", "--role", "local", "--unit", "legacy:6451", "--unit", "legacy:6460")

    assert set(User.objects.get().staff_profile.units.values_list("code", flat=True)) == {6451, 6460}


@pytest.mark.parametrize(
    ("role", "is_staff"),
    [(Role.PROVINCIAL_OFFICER, False), (Role.ADMIN, True)],
)
def test_creates_province_wide_roles(lang_son, password, role, is_staff):
    out = run("so_tai_chinh", "--role", role)

    user = User.objects.get(username="so_tai_chinh")
    assert (user.staff_profile.role, user.is_staff, user.is_superuser) == (role, is_staff, is_staff)
    assert not user.staff_profile.units.exists()
    assert scope_for(user).sees_everything
    assert "so_tai_chinh" in out


@pytest.mark.parametrize("name", ["VSIP-T", "vsip-t", "Công ty TNHH Phát triển VSIP Lạng Sơn Thử"])
def test_creates_an_investor_account_by_name_or_short_name(vsip, password, name):
    run("vsip_doc", "--role", "investor", "--investor", name)

    profile = StaffProfile.objects.get(user__username="vsip_doc")
    assert (profile.role, profile.investor) == (Role.INVESTOR, vsip)


def test_a_code_used_in_both_structures_needs_its_prefix(lang_son, password):
    # 6385 is the legacy "Thị trấn Hữu Lũng" and the 2025 "Xã Hữu Lũng".
    with pytest.raises(CommandError) as refused:
        run("can_bo", "--role", "local", "--unit", "6385")
    message = str(refused.value)
    assert "legacy:6385 (Thị trấn Hữu Lũng, Huyện Hữu Lũng)" in message
    assert "2025:6385 (Xã Hữu Lũng)" in message
    assert_nothing_created()

    run("can_bo", "--role", "local", "--unit", "2025:6385")
    assert list(StaffProfile.objects.get().units.all()) == [unit("2025", 6385)]


def test_legacy_prefix_picks_the_legacy_unit(lang_son, password):
    run("can_bo", "--role", "local", "--unit", "legacy:6385")

    assert list(StaffProfile.objects.get().units.all()) == [unit("legacy", 6385)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "local", "--unit", "99999"], "99999"),
        (["--role", "local", "--unit", "2025:186"], "2025:186"),  # a district code has no 2025 unit
        (["--role", "local", "--unit", "old:186"], "legacy:CODE"),
        (["--role", "local", "--unit", "huu-lung"], "huu-lung"),
        (["--role", "local"], "--unit"),
        (["--role", "local", "--unit", "186", "--unit", "6385"], "legacy:6385"),  # one bad unit refuses all
        (["--role", "investor"], "--investor"),
        (["--role", "investor", "--investor", "Không có công ty này"], "Không có công ty này"),
        (["--role", "provincial", "--unit", "186"], "--unit"),
        (["--role", "local", "--unit", "186", "--investor", "VSIP-T"], "--investor"),
    ],
)
def test_bad_arguments_are_refused_and_create_nothing(vsip, password, args, message):
    with pytest.raises(CommandError, match=message.replace("-", "\\-")):
        run("can_bo", *args)
    assert_nothing_created()


def test_an_unknown_role_is_refused(lang_son, password):
    with pytest.raises(CommandError, match="role"):
        run("can_bo", "--role", "chairman")
    assert_nothing_created()


@pytest.mark.parametrize("weak", ["12345678", "abc", "qwertyuiop", "can_bo12"])
def test_a_weak_password_is_refused_without_echoing_it(lang_son, monkeypatch, weak):
    monkeypatch.setenv("LSIP_STAFF_PASSWORD", weak)
    with pytest.raises(CommandError, match="too weak") as refused:
        run("can_bo", "--role", "provincial")
    assert weak not in str(refused.value)
    assert_nothing_created()


def test_no_password_without_a_terminal_is_a_clear_error(lang_son, monkeypatch):
    monkeypatch.delenv("LSIP_STAFF_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())
    with pytest.raises(CommandError, match="LSIP_STAFF_PASSWORD"):
        run("can_bo", "--role", "provincial")
    assert_nothing_created()


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_the_password_is_asked_twice_on_a_terminal(lang_son, monkeypatch):
    monkeypatch.delenv("LSIP_STAFF_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", FakeTerminal())
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    run("can_bo", "--role", "provincial")

    assert User.objects.get(username="can_bo").check_password(PASSWORD)


def test_two_different_passwords_on_a_terminal_save_nothing(lang_son, monkeypatch):
    monkeypatch.delenv("LSIP_STAFF_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", FakeTerminal())
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    with pytest.raises(CommandError, match="differ"):
        run("can_bo", "--role", "provincial")
    assert_nothing_created()


def test_updating_an_account_changes_role_and_units_and_keeps_the_password(lang_son, monkeypatch):
    monkeypatch.delenv("LSIP_STAFF_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())  # no terminal: no prompt either
    account = UserFactory(username="can_bo", password="Mat-khau-cu-2024")
    StaffProfileFactory(user=account, role=Role.LOCAL_STAFF, units=[unit("legacy", 186)])

    out = run("can_bo", "--role", "local", "--unit", "183")

    account.refresh_from_db()
    assert account.check_password("Mat-khau-cu-2024")
    assert list(account.staff_profile.units.all()) == [unit("legacy", 183)]
    assert "already existed" in out or "đã có" in out
    assert StaffProfile.objects.count() == 1
    assert account.staff_profile.history.first().history_change_reason == "create_staff"


def test_updating_with_the_variable_set_changes_the_password(lang_son, password):
    account = UserFactory(username="can_bo", password="Mat-khau-cu-2024")

    run("can_bo", "--role", "provincial")

    account.refresh_from_db()
    assert account.check_password(PASSWORD)
    assert account.staff_profile.role == Role.PROVINCIAL_OFFICER


def test_an_administrator_moved_to_another_role_leaves_the_admin(lang_son, password):
    account = UserFactory(username="quan_tri", is_staff=True, is_superuser=True)

    run("quan_tri", "--role", "local", "--unit", "2025:6385")

    account.refresh_from_db()
    assert not account.is_staff and not account.is_superuser
    assert scope_for(account).role == Role.LOCAL_STAFF


def test_dry_run_checks_everything_and_saves_nothing(lang_son, password):
    out = run("can_bo", "--role", "local", "--unit", "186", "--dry-run")

    assert "can_bo" in out and "Huyện Hữu Lũng" in out
    assert_nothing_created()
    with pytest.raises(CommandError):
        run("can_bo", "--role", "local", "--unit", "6385", "--dry-run")


def test_dry_run_of_an_update_leaves_the_account_as_it_was(lang_son, password):
    account = UserFactory(username="can_bo", password="Mat-khau-cu-2024")
    StaffProfileFactory(user=account, role=Role.LOCAL_STAFF, units=[unit("legacy", 186)])

    run("can_bo", "--role", "admin", "--dry-run")

    account.refresh_from_db()
    assert account.check_password("Mat-khau-cu-2024")
    assert (account.staff_profile.role, account.is_superuser) == (Role.LOCAL_STAFF, False)
    assert list(account.staff_profile.units.all()) == [unit("legacy", 186)]


def test_an_invalid_username_is_refused(lang_son, password):
    with pytest.raises(CommandError):
        run("tên có dấu cách", "--role", "provincial")
    assert_nothing_created()
