"""Admin of projects and staff, and the project scoping every app's admin uses.

A staff member who is not a superuser sees in the admin only the rows of
their projects, like everywhere else; the pickers of big tables (raw ids,
autocomplete) accept only rows of those projects.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.filters import SimpleListFilter
from django.contrib.admin.widgets import url_params_from_lookup_dict
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .deadlines import DEFAULT_RULES
from .masking import can_view_field
from .models import (
    CalendarDay,
    DeadlinePolicy,
    DeadlineRule,
    IdNumberRead,
    Membership,
    Project,
    StaffProfile,
    WorkingWindow,
)
from .roles import Role
from .scoping import project_ids_for, projects_for, scope

User = get_user_model()


def _scoped_choices(model: type[Model], user: Any) -> QuerySet[Any] | None:
    """The rows of `model` a user may pick, or None when the model is not per project."""
    if model is Project:
        return projects_for(user)
    if model is User:
        return User.objects.filter(memberships__project_id__in=project_ids_for(user)).distinct()
    field_names = {f.name for f in model._meta.get_fields()}
    if "project" in field_names:
        return scope(model._default_manager.all(), user)
    return None


def _field_path(model: type[Model], lookup: str) -> list[Any]:
    """The model fields a lookup walks through ("household__persons__phone__startswith":
    household, persons, phone); it stops at the first part that is not a field."""
    fields = []
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        fields.append(field)
        if not getattr(field, "path_infos", None):
            break
        model = field.path_infos[-1].to_opts.model
    return fields


class DeclaredLookupsAdminMixin:
    """The list filters by what it offers, and never by a value the user sees masked.

    Django lets a URL filter a changelist by any field of the model
    (`?id_number__startswith=4403051`), so a user who sees ID numbers masked
    could narrow the list digit by digit. Here a URL may filter only through
    the declared `list_filter` and `date_hierarchy` (and the lookups that a
    raw-id picker's `limit_choices_to` needs); anything else is refused with a
    400. Search leaves out the fields the user sees masked.
    """

    def _declared_paths(self, request: HttpRequest) -> set[str]:
        paths = {getattr(self, "date_hierarchy", None) or ""}
        for item in self.get_list_filter(request):  # type: ignore[attr-defined]
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                paths.add(str(item.parameter_name))
            elif isinstance(item, (list, tuple)):
                paths.add(str(item[0]))
            else:
                paths.add(str(item))
        paths.discard("")
        return paths

    def lookup_allowed(self, lookup: str, value: Any, request: HttpRequest) -> bool:
        model = self.model  # type: ignore[attr-defined]
        fields = _field_path(model, lookup)
        if any(not can_view_field(request.user, field.name) for field in fields):
            return False
        for fk_lookup in model._meta.related_fkey_lookups:
            # The raw-id picker of another model opens this list with its limit_choices_to.
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in url_params_from_lookup_dict(fk_lookup).items():
                return True
        declared = self._declared_paths(request)
        if lookup in declared:  # a SimpleListFilter's own parameter
            return True
        names = [field.name for field in fields]
        for end in range(len(names), 0, -1):
            path = LOOKUP_SEP.join(names[:end])
            if path in declared:
                # Past the declared field, only the related row's primary key ("project__id").
                rest = fields[end:]
                return not rest or (len(rest) == 1 and rest[0].primary_key)
        return False

    def get_search_fields(self, request: HttpRequest) -> Any:
        fields = list(super().get_search_fields(request))  # type: ignore[misc]
        model = self.model  # type: ignore[attr-defined]
        return [
            name
            for name in fields
            if all(
                can_view_field(request.user, field.name)
                for field in _field_path(model, name.lstrip("^=@"))
            )
        ]


class ProjectScopedAdminMixin(DeclaredLookupsAdminMixin):
    """Narrows an admin to the user's projects (superusers see everything).

    `project_path` is the lookup from the model to its project. Foreign keys
    to per-project tables only accept rows of the user's projects. Lookups in
    the URL are those of the declared filters (`DeclaredLookupsAdminMixin`).
    """

    project_path = "project"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return queryset
        return scope(queryset, request.user, self.project_path)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if not request.user.is_superuser and "queryset" not in kwargs:
            choices = _scoped_choices(db_field.related_model, request.user)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(Project)
class ProjectAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    project_path = "id"
    list_display = ["code", "name", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(id__in=project_ids_for(request.user))


class MembershipInline(ProjectScopedAdminMixin, admin.TabularInline):
    model = Membership
    extra = 1
    fields = ["project"]
    verbose_name = _("project")
    verbose_name_plural = _("projects this person works in")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("project")


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fields = ["phone", "language"]


admin.site.unregister(User)


@admin.register(User)
class StaffAdmin(ProjectScopedAdminMixin, UserAdmin):
    """Django's user admin, with each user's roles (groups) and projects."""

    inlines = [MembershipInline, StaffProfileInline]
    list_display = ["username", "first_name", "roles", "projects", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "memberships__project"]
    search_fields = ["username", "first_name", "last_name", "email"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = admin.ModelAdmin.get_queryset(self, request).prefetch_related(
            "groups", "memberships__project"
        )
        if request.user.is_superuser:
            return queryset
        return queryset.filter(memberships__project_id__in=project_ids_for(request.user)).distinct()

    # Staff who leave are deactivated, never deleted: the household files, orders and
    # deadlines keep naming who did what. Without the permission the admin offers no
    # delete button and no bulk delete.
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        messages.error(
            request,
            _(
                "Staff who leave are deactivated, never deleted: the records they made keep "
                "their name. Untick “active” instead."
            ),
        )
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", object_id)

    @admin.display(description=_("roles"))
    def roles(self, user: Any) -> str:
        labels = dict(Role.choices)
        return ", ".join(sorted(str(labels.get(g.name, g.name)) for g in user.groups.all()))

    @admin.display(description=_("projects"))
    def projects(self, user: Any) -> str:
        return ", ".join(sorted(m.project.name for m in user.memberships.all()))


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "phone", "language"]
    list_select_related = ["user"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__first_name", "phone"]
    raw_id_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            user__memberships__project_id__in=project_ids_for(request.user)
        ).distinct()


# --- Working calendars and deadline rules ----------------------------------------------
# The supervisor keeps these per project. A change applies to deadlines opened
# from then on; a deadline already running keeps the due time it was given.


@admin.register(WorkingWindow)
class WorkingWindowAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project", "weekday", "starts_at", "ends_at"]
    list_filter = ["project", "weekday"]
    list_select_related = ["project"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project", "date", "kind", "name", "works_as"]
    list_filter = ["project", "kind"]
    list_select_related = ["project"]
    date_hierarchy = "date"


class EscalationRolesField(forms.MultipleChoiceField):
    """The escalation chain as a list of roles, stored comma-separated in order."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return [part for part in value.split(",") if part]
        return value


class DeadlinePolicyForm(forms.ModelForm):
    escalation_roles = EscalationRolesField(
        label=_("escalation chain"),
        choices=[(Role.SUPERVISOR, Role.SUPERVISOR.label), (Role.MANAGER, Role.MANAGER.label)],
        required=False,
        help_text=_("Who is told, one step after another, when a deadline is not met."),
    )

    class Meta:
        model = DeadlinePolicy
        fields = [
            "project",
            "workday_ends_at",
            "warn_before_minutes",
            "escalation_roles",
            "escalate_after_minutes",
        ]

    def clean_escalation_roles(self) -> str:
        chosen = self.cleaned_data["escalation_roles"]
        order = [Role.SUPERVISOR, Role.MANAGER]
        return ",".join(role for role in order if role in chosen)


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    form = DeadlinePolicyForm
    list_display = [
        "project",
        "workday_ends_at",
        "warn_before_minutes",
        "escalation_roles",
        "escalate_after_minutes",
    ]
    list_select_related = ["project"]


class DeadlineRuleForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("kind"), choices=())

    class Meta:
        model = DeadlineRule
        fields = [
            "project",
            "kind",
            "mode",
            "minutes",
            "days",
            "counting",
            "escalate_after_minutes",
            "is_emergency",
            "recurs",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (code, f"{spec.label} ({code})") for code, spec in DEFAULT_RULES.items()
        ]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    form = DeadlineRuleForm
    list_display = ["project", "kind", "mode", "minutes", "days", "counting", "is_emergency"]
    list_filter = ["project", "mode", "counting", "is_emergency"]
    list_select_related = ["project"]


@admin.register(IdNumberRead)
class IdNumberReadAdmin(ProjectScopedAdminMixin, admin.ModelAdmin):
    """Who was shown which ID number in full: for the supervisor to read, never to edit."""

    list_display = ["at", "user", "person_name", "person_id", "project", "channel", "source"]
    list_select_related = ["user", "project"]
    list_filter = ["channel", "project"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
