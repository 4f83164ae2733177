"""Admin of projects and staff, and the project scoping every app's admin uses.

A staff member who is not a superuser sees in the admin only the rows of
their projects, like everywhere else; the pickers of big tables (raw ids,
autocomplete) accept only rows of those projects.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .deadlines import DEFAULT_RULES
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


class ProjectScopedAdminMixin:
    """Narrows an admin to the user's projects (superusers see everything).

    `project_path` is the lookup from the model to its project. Foreign keys
    to per-project tables only accept rows of the user's projects.
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
