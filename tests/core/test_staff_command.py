"""`manage.py staff`: staff members, roles and projects from scripts."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

from frontdesk.core.models import StaffProfile
from frontdesk.core.scoping import project_ids_for

pytestmark = pytest.mark.django_db
User = get_user_model()


def staff(*args):
    """Run the command in English, so messages can be matched."""
    out = StringIO()
    with translation.override("en"):
        call_command("staff", *args, stdout=out)
    return out.getvalue()


def can_log_in(client, username, password):
    return client.post("/login/", {"username": username, "password": password}).status_code == 302


def roles_of(username):
    return sorted(User.objects.get(username=username).groups.values_list("name", flat=True))


def projects_of(username):
    user = User.objects.get(username=username)
    return sorted(user.memberships.values_list("project__code", flat=True))


def test_add_creates_a_staff_member_who_can_log_in(client, project):
    """`staff add` makes a user with name, role, project and password who can log in at once."""
    output = staff(
        "add",
        "zhangsan",
        "--name",
        "张三",
        "--role",
        "desk",
        "--project",
        "east",
        "--password",
        "Desk-pass-2026",
        "--phone",
        "13800001111",
    )
    assert "zhangsan" in output and "roles=desk" in output and "projects=east" in output
    user = User.objects.get(username="zhangsan")
    assert user.get_full_name() == "张三"
    assert StaffProfile.objects.get(user=user).phone == "13800001111"
    assert project_ids_for(user) == [project.pk]
    assert can_log_in(client, "zhangsan", "Desk-pass-2026")


def test_add_on_an_existing_user_updates_only_what_is_given(project, other_project):
    """Running `staff add` again changes the given fields and keeps the rest."""
    staff(
        "add",
        "lisi",
        "--name",
        "李四",
        "--role",
        "butler",
        "--project",
        "east",
        "--password",
        "Butler-pass-2026",
    )
    output = staff("add", "lisi", "--project", "east", "--project", "west")
    assert output.startswith("Updated")
    assert roles_of("lisi") == ["butler"]
    assert projects_of("lisi") == ["east", "west"]
    assert User.objects.get(username="lisi").check_password("Butler-pass-2026")


def test_unknown_role_or_project_is_refused_with_the_valid_choices(project):
    """An unknown role or project code stops the command, names the valid ones and saves nothing."""
    with pytest.raises(CommandError, match=r"Unknown role.*plumber.*desk, butler"):
        staff("add", "wangwu", "--role", "plumber", "--project", "east")
    with pytest.raises(CommandError, match=r"Unknown project.*north.*east"):
        staff("add", "wangwu", "--role", "desk", "--project", "north")
    assert not User.objects.filter(username="wangwu").exists()


def test_weak_password_is_refused(project):
    """Passwords go through Django's password validators."""
    with pytest.raises(CommandError, match="too short|too common|entirely numeric"):
        staff("add", "zhaoliu", "--password", "123")
    assert not User.objects.filter(username="zhaoliu").exists()


def test_set_roles_and_set_projects_replace_them(desk_user, project, other_project):
    """set-roles and set-projects replace the whole set, so a script states the end result."""
    staff("set-roles", "desk1", "supervisor", "cashier")
    staff("set-projects", "desk1", "west")
    assert roles_of("desk1") == ["cashier", "supervisor"]
    assert projects_of("desk1") == ["west"]
    with pytest.raises(CommandError, match="No staff member"):
        staff("set-roles", "nobody", "desk")


def test_deactivate_stops_logins_and_list_shows_it(client, desk_user, butler):
    """A deactivated account cannot log in and drops out of `staff list`; `activate` restores it."""
    staff("deactivate", "desk1")
    assert not can_log_in(client, "desk1", "test-pass-123")
    listed = staff("list")
    assert "butler1" in listed and "desk1" not in listed
    assert "desk1" in staff("list", "--all") and "inactive" in staff("list", "--all")
    staff("activate", "desk1")
    assert can_log_in(client, "desk1", "test-pass-123")


def test_list_filters_by_project_and_role(desk_user, other_desk_user, butler):
    """`staff list --project` and `--role` narrow the listing."""
    east = staff("list", "--project", "east")
    assert "desk1" in east and "butler1" in east and "desk2" not in east
    desks = staff("list", "--role", "desk")
    assert "desk1" in desks and "desk2" in desks and "butler1" not in desks
