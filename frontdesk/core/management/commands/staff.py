"""`manage.py staff`: staff members, their roles and projects, for scripts and operations.

    manage.py staff add zhangsan --name 张三 --role desk --project jinxiu --password ...
    manage.py staff list [--project jinxiu] [--role desk]
    manage.py staff set-roles zhangsan desk butler
    manage.py staff set-projects zhangsan jinxiu cuihu
    manage.py staff deactivate zhangsan
    manage.py staff activate zhangsan

Roles are the codes of `frontdesk.core.roles.Role`; projects are project codes.
`add` creates the user, or updates one that exists (only what is given).
"""

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from frontdesk.core.models import Membership, Project, StaffProfile
from frontdesk.core.roles import Role

User = get_user_model()


def _user(username: str) -> Any:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(
            _("No staff member with username %(username)s.") % {"username": username}
        ) from None


def _groups(roles: list[str]) -> list[Group]:
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise CommandError(
            _("Unknown role(s): %(unknown)s. Roles are: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(Role.values)}
        )
    groups = {g.name: g for g in Group.objects.filter(name__in=roles)}
    missing = sorted(set(roles) - set(groups))
    if missing:  # the groups are made by migrate
        raise CommandError(_("Run `manage.py migrate` first: the role groups are missing."))
    return [groups[r] for r in roles]


def _projects(codes: list[str]) -> list[Project]:
    projects = {p.code: p for p in Project.objects.filter(code__in=codes)}
    unknown = sorted(set(codes) - set(projects))
    if unknown:
        known = ", ".join(Project.objects.order_by("code").values_list("code", flat=True))
        raise CommandError(
            _("Unknown project(s): %(unknown)s. Projects are: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": known or "-"}
        )
    return [projects[c] for c in codes]


def _set_projects(user: Any, projects: list[Project]) -> None:
    Membership.objects.filter(user=user).exclude(project__in=projects).delete()
    have = set(Membership.objects.filter(user=user).values_list("project_id", flat=True))
    Membership.objects.bulk_create(
        [Membership(user=user, project=p) for p in projects if p.pk not in have]
    )


def _describe(user: Any) -> str:
    roles = ",".join(sorted(g.name for g in user.groups.all())) or "-"
    projects = ",".join(sorted(m.project.code for m in user.memberships.all())) or "-"
    flags = []
    if user.is_superuser:
        flags.append("superuser")
    if not user.is_active:
        flags.append("inactive")
    name = user.get_full_name() or "-"
    return (
        f"{user.username}\t{name}\troles={roles}\tprojects={projects}\t{' '.join(flags)}".rstrip()
    )


class Command(BaseCommand):
    help = _("Create and change staff members, their roles and their projects.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        add = sub.add_parser("add", help=_("Create a staff member, or update one that exists."))
        add.add_argument("username")
        add.add_argument("--name", help=_("Full name, e.g. 张三."))
        add.add_argument("--email")
        add.add_argument("--phone")
        add.add_argument(
            "--role",
            action="append",
            dest="roles",
            metavar="ROLE",
            help=_("A role code (repeat for several): %(roles)s.")
            % {"roles": ", ".join(Role.values)},
        )
        add.add_argument(
            "--project",
            action="append",
            dest="projects",
            metavar="CODE",
            help=_("A project code (repeat for several)."),
        )
        add.add_argument(
            "--password",
            help=_(
                "The password (or set STAFF_PASSWORD in the environment). "
                "A new user without one cannot log in until a password is set."
            ),
        )
        add.add_argument("--admin", action="store_true", help=_("May open the admin site."))

        listing = sub.add_parser("list", help=_("List staff members with roles and projects."))
        listing.add_argument("--project", help=_("Only members of this project."))
        listing.add_argument("--role", help=_("Only staff with this role."))
        listing.add_argument(
            "--all",
            action="store_true",
            dest="include_inactive",
            help=_("Include inactive accounts."),
        )

        roles = sub.add_parser("set-roles", help=_("Replace a staff member's roles."))
        roles.add_argument("username")
        roles.add_argument("roles", nargs="*", metavar="ROLE")

        projects = sub.add_parser("set-projects", help=_("Replace a staff member's projects."))
        projects.add_argument("username")
        projects.add_argument("projects", nargs="*", metavar="CODE")

        for action, text in [
            (
                "deactivate",
                _("Stop a staff member from logging in (the account and its records stay)."),
            ),
            ("activate", _("Let a deactivated staff member log in again.")),
        ]:
            sub.add_parser(action, help=text).add_argument("username")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        handler = getattr(self, "handle_" + action.replace("-", "_"))
        with transaction.atomic():
            handler(**options)

    def handle_add(
        self,
        *,
        username: str,
        name: str | None,
        email: str | None,
        phone: str | None,
        roles: list[str] | None,
        projects: list[str] | None,
        password: str | None,
        admin: bool,
        **options: Any,
    ) -> None:
        groups = _groups(roles) if roles is not None else None
        project_list = _projects(projects) if projects is not None else None
        password = password or os.environ.get("STAFF_PASSWORD") or None
        user, created = User.objects.get_or_create(username=username)
        if password:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        if name is not None:
            user.first_name, user.last_name = name, ""
        if email is not None:
            user.email = email
        if admin:
            user.is_staff = True
        user.save()
        if phone is not None:
            StaffProfile.objects.update_or_create(user=user, defaults={"phone": phone})
        if groups is not None:
            user.groups.set(groups)
        if project_list is not None:
            _set_projects(user, project_list)
        verb = _("Created") if created else _("Updated")
        self.stdout.write(f"{verb}: {_describe(user)}")

    def handle_list(
        self, *, project: str | None, role: str | None, include_inactive: bool, **options: Any
    ) -> None:
        users = User.objects.order_by("username").prefetch_related("groups", "memberships__project")
        if not include_inactive:
            users = users.filter(is_active=True)
        if project:
            users = users.filter(memberships__project__in=_projects([project]))
        if role:
            users = users.filter(groups__in=_groups([role]))
        for user in users.distinct():
            self.stdout.write(_describe(user))

    def handle_set_roles(self, *, username: str, roles: list[str], **options: Any) -> None:
        user = _user(username)
        user.groups.set(_groups(roles))
        self.stdout.write(_describe(user))

    def handle_set_projects(self, *, username: str, projects: list[str], **options: Any) -> None:
        user = _user(username)
        _set_projects(user, _projects(projects))
        self.stdout.write(_describe(user))

    def handle_deactivate(self, *, username: str, **options: Any) -> None:
        user = _user(username)
        user.is_active = False
        user.save(update_fields=["is_active"])
        self.stdout.write(_describe(user))

    def handle_activate(self, *, username: str, **options: Any) -> None:
        user = _user(username)
        user.is_active = True
        user.save(update_fields=["is_active"])
        self.stdout.write(_describe(user))
