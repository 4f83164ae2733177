"""One filter definition per listable model, shared by the pages and the API.

`?status=vacant&building=3&q=1502` means the same on a list page and in
`/api/v1/...`. Pass the request (``FilterSet(request.GET, queryset=...,
request=request)``): the small pickers (projects, buildings) list only the
user's own projects, and the big tables (units, households, persons) are
filtered by raw id, so no filter form ever draws a <select> of a big table.

The queryset given to a FilterSet must already be scoped to the user's
projects (views and selectors do that); a filter only narrows it further.
An invalid value (unknown choice, malformed date or number, a building of
another project) makes the form invalid: the API answers 400 with a message
on that parameter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet
from django.forms import NumberInput
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from django_filters.widgets import BooleanWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from frontdesk.core.masking import PHONE_SHOWN_LAST, can_view_phone, phone_lookup
from frontdesk.core.models import Project
from frontdesk.core.scoping import project_ids_for, projects_for, scope

from .choices import (
    CardKind,
    CardStatus,
    ChangeAction,
    DecorationStatus,
    PersonRole,
    UnitStatus,
    UnitType,
)
from .models import (
    Attachment,
    Building,
    Card,
    ChangeRecord,
    Decoration,
    Household,
    MoveIn,
    Note,
    Person,
    Unit,
    Vehicle,
)
from .selectors import household_search_q
from .validators import normalize_phone

# --- Strict yes/no ------------------------------------------------------------------


class _YesNoWidget(BooleanWidget):
    """Reads true/false/1/0 and passes anything else on, for the field to refuse.

    The empty choice reads "Any": in a filter it means "do not filter", not "unknown".
    """

    def __init__(self, attrs: Any = None) -> None:
        super().__init__(attrs)
        self.choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        if value is None or value == "":
            return None
        known = {"1": True, "0": False, "true": True, "false": False}
        return known.get(str(value).lower(), value)


class _YesNoField(forms.NullBooleanField):
    widget = _YesNoWidget

    def to_python(self, value: Any) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        raise forms.ValidationError(_("Enter true or false."), code="invalid")

    def validate(self, value: Any) -> None:
        return None


class YesNoFilter(filters.BooleanFilter):
    """A yes/no filter that refuses a value other than true, false, 1 or 0 (no silent "any")."""

    field_class = _YesNoField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _YesNoWidget)
        super().__init__(*args, **kwargs)


# --- Scoped pickers ----------------------------------------------------------------


def _user(request: Any) -> Any:
    return getattr(request, "user", None)


def user_projects(request: Any) -> QuerySet[Project]:
    """The projects a picker offers: the requesting user's, none without a request."""
    user = _user(request)
    if user is None:
        return Project.objects.none()
    return projects_for(user)


def user_buildings(request: Any) -> QuerySet[Building]:
    """The buildings a picker offers: those of the requesting user's projects.

    For a user of several projects each building carries its project's name
    (`project_label`), since building numbers repeat from one project to the next.
    """
    user = _user(request)
    if user is None:
        return Building.objects.none()
    buildings = scope(Building.objects.all(), user).order_by("project__name", "number")
    if len(project_ids_for(user)) > 1:
        buildings = buildings.annotate(project_label=F("project__name"))
    return buildings


class BuildingChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A building picker whose options name their project when there are several."""

    def label_from_instance(self, obj: Any) -> str:
        project = getattr(obj, "project_label", None)
        return f"{project} · {obj}" if project else str(obj)


class BuildingFilter(filters.ModelChoiceFilter):
    field_class = BuildingChoiceField


def _project_filter(field_name: str = "project") -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(
        field_name=field_name, queryset=user_projects, label=_("Project")
    )


def _building_filter(field_name: str) -> filters.ModelChoiceFilter:
    return BuildingFilter(field_name=field_name, queryset=user_buildings, label=_("Building"))


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A whole number, such as the id of a row (documented as an integer in the schema)."""


def _id_filter(field_name: str, label: Any) -> IdFilter:
    """A filter by the raw id of a row of a big table (a unit, a household, a person)."""
    return IdFilter(
        field_name=field_name,
        label=label,
        min_value=1,
        max_value=2**63 - 1,
        decimal_places=0,
        widget=NumberInput(attrs={"min": 1, "step": 1}),
    )


# --- Projects and the estate ----------------------------------------------------------


class ProjectFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Code or name"))
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = Project
        fields = ["q", "is_active"]

    def filter_q(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__istartswith=value) | Q(name__contains=value))


class BuildingFilterSet(filters.FilterSet):
    project = _project_filter()
    number = filters.CharFilter(field_name="number", lookup_expr="iexact", label=_("Number"))
    butler = _id_filter("butler_id", _("Butler (user id)"))

    class Meta:
        model = Building
        fields = ["project", "number", "butler"]


class UnitFilterSet(filters.FilterSet):
    project = _project_filter()
    building = _building_filter("building")
    code = filters.CharFilter(method="filter_code", label=_("Unit code starts with"))
    status = filters.ChoiceFilter(choices=UnitStatus.choices, label=_("Status"))
    unit_type = filters.ChoiceFilter(choices=UnitType.choices, label=_("Type"))
    floor = IdFilter(field_name="floor", decimal_places=0, label=_("Floor"))

    class Meta:
        model = Unit
        fields = ["project", "building", "code", "status", "unit_type", "floor"]

    def filter_code(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        # Codes are stored as written on the building ("3-1502", "A-0101"); a
        # prefix match keeps the b-tree index on the code usable.
        value = value.strip().upper()
        return queryset.filter(code__startswith=value) if value else queryset


# --- Households --------------------------------------------------------------------------


class HouseholdFilterSet(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q",
        label=_("Search"),
        help_text=_("Unit (3-1502), file number, name or part of a phone number."),
    )
    project = _project_filter()
    building = _building_filter("unit__building")
    unit = _id_filter("unit_id", _("Unit (id)"))
    current = YesNoFilter(method="filter_current", label=_("Current household"))
    moved_in_after = filters.DateFilter(
        field_name="moved_in_on", lookup_expr="gte", label=_("Moved in on or after")
    )
    moved_in_before = filters.DateFilter(
        field_name="moved_in_on", lookup_expr="lte", label=_("Moved in on or before")
    )

    class Meta:
        model = Household
        fields = [
            "q",
            "project",
            "building",
            "unit",
            "current",
            "moved_in_after",
            "moved_in_before",
        ]

    def filter_q(self, queryset: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        if not value.strip():
            return queryset
        user = getattr(self.request, "user", None)
        full_phones = user is not None and can_view_phone(user)
        return queryset.filter(household_search_q(value, full_phones=full_phones))

    def filter_current(
        self, queryset: QuerySet[Household], name: str, value: bool
    ) -> QuerySet[Household]:
        if value is None:
            return queryset
        return queryset.filter(moved_out_on__isnull=value)


def _phone_within_mask(value: str) -> None:
    """For a role that sees phones masked: a phone is looked up only by the digits the mask
    shows at its end (138****5678: at most 5678)."""
    digits = normalize_phone(value)
    if digits and (len(digits) > PHONE_SHOWN_LAST or not digits.isdigit()):
        raise forms.ValidationError(
            _(
                "You see phones masked: filter by the last %(count)d digits at most, "
                "the ones the mask shows."
            )
            % {"count": PHONE_SHOWN_LAST},
            code="masked",
        )


class MaskedFiltersMixin:
    """Filters of personal data that a role sees masked accept only what the mask shows.

    `phone_filters` names the filters on a phone: for a role without
    `residents.view_phone` they accept the last digits only (a longer value is
    a field error, a 400 in the API). ID numbers and phones are never an
    ordering field (`ordering_fields` of the API views), so no role can sort
    by a value it sees masked.
    """

    phone_filters: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = _user(self.request)  # type: ignore[attr-defined]
        if user is not None and can_view_phone(user):
            return
        for name in self.phone_filters:
            phone_filter = self.filters[name]  # type: ignore[attr-defined]
            validators = [*phone_filter.extra.get("validators", []), _phone_within_mask]
            phone_filter.extra = {**phone_filter.extra, "validators": validators}
            phone_filter.__dict__.pop("_field", None)  # built again with the validator

    def phone_q(self, field_name: str, value: str) -> Q | None:
        """The condition of a phone filter for the requesting user, None for no filter."""
        digits = normalize_phone(value)
        if not digits:
            return None
        lookup = phone_lookup(_user(self.request) or AnonymousUser(), digits)  # type: ignore[attr-defined]
        if lookup is None:
            # Refused by the field's validator already; never a lookup by hidden digits.
            return Q(pk__in=[])
        return Q(**{f"{field_name}__{lookup}": digits})


class PersonFilterSet(MaskedFiltersMixin, filters.FilterSet):
    phone_filters = ("phone",)

    project = _project_filter()
    household = _id_filter("household_id", _("Household (id)"))
    role = filters.ChoiceFilter(choices=PersonRole.choices, label=_("Role"))
    name = filters.CharFilter(field_name="name", lookup_expr="contains", label=_("Name contains"))
    phone = filters.CharFilter(
        method="filter_phone",
        label=_("Phone contains"),
        help_text=_(
            "Any part of the phone; a role that sees phones masked gives its last 4 digits at most."
        ),
    )
    is_primary = YesNoFilter(label=_("Main contact"))
    is_active = YesNoFilter(label=_("Still listed"))

    class Meta:
        model = Person
        fields = ["project", "household", "role", "name", "phone", "is_primary", "is_active"]

    def filter_phone(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        condition = self.phone_q("phone", value)
        return queryset if condition is None else queryset.filter(condition)


class VehicleFilterSet(filters.FilterSet):
    project = _project_filter()
    household = _id_filter("household_id", _("Household (id)"))
    plate = filters.CharFilter(method="filter_plate", label=_("Licence plate contains"))
    parking_space = filters.CharFilter(lookup_expr="iexact", label=_("Parking space"))
    is_active = YesNoFilter(label=_("Still registered"))

    class Meta:
        model = Vehicle
        fields = ["project", "household", "plate", "parking_space", "is_active"]

    def filter_plate(self, queryset: QuerySet[Vehicle], name: str, value: str) -> QuerySet[Vehicle]:
        plate = value.upper().replace(" ", "").replace("·", "")
        return queryset.filter(plate__contains=plate) if plate else queryset


class CardFilterSet(filters.FilterSet):
    project = _project_filter()
    household = _id_filter("household_id", _("Household (id)"))
    holder = _id_filter("holder_id", _("Holder (person id)"))
    kind = filters.ChoiceFilter(choices=CardKind.choices, label=_("Kind"))
    status = filters.ChoiceFilter(choices=CardStatus.choices, label=_("Status"))
    number = filters.CharFilter(field_name="number", lookup_expr="iexact", label=_("Card number"))
    issued_after = filters.DateFilter(
        field_name="issued_on", lookup_expr="gte", label=_("Issued on or after")
    )
    issued_before = filters.DateFilter(
        field_name="issued_on", lookup_expr="lte", label=_("Issued on or before")
    )

    class Meta:
        model = Card
        fields = [
            "project",
            "household",
            "holder",
            "kind",
            "status",
            "number",
            "issued_after",
            "issued_before",
        ]


class MoveInFilterSet(filters.FilterSet):
    project = _project_filter()
    household = _id_filter("household_id", _("Household (id)"))
    building = _building_filter("household__unit__building")
    signed = YesNoFilter(
        field_name="signed_on", lookup_expr="isnull", exclude=True, label=_("Signed")
    )
    signed_after = filters.DateFilter(
        field_name="signed_on", lookup_expr="gte", label=_("Signed on or after")
    )
    signed_before = filters.DateFilter(
        field_name="signed_on", lookup_expr="lte", label=_("Signed on or before")
    )

    class Meta:
        model = MoveIn
        fields = ["project", "household", "building", "signed", "signed_after", "signed_before"]


class DecorationFilterSet(filters.FilterSet):
    project = _project_filter()
    household = _id_filter("household_id", _("Household (id)"))
    building = _building_filter("household__unit__building")
    status = filters.ChoiceFilter(choices=DecorationStatus.choices, label=_("Status"))
    applied_after = filters.DateFilter(
        field_name="applied_on", lookup_expr="gte", label=_("Applied on or after")
    )
    applied_before = filters.DateFilter(
        field_name="applied_on", lookup_expr="lte", label=_("Applied on or before")
    )
    active_on = filters.DateFilter(method="filter_active_on", label=_("Works planned on"))

    class Meta:
        model = Decoration
        fields = [
            "project",
            "household",
            "building",
            "status",
            "applied_after",
            "applied_before",
            "active_on",
        ]

    def filter_active_on(
        self, queryset: QuerySet[Decoration], name: str, value: dt.date
    ) -> QuerySet[Decoration]:
        if value is None:
            return queryset
        return queryset.filter(planned_start__lte=value, planned_end__gte=value)


# --- What the file keeps ------------------------------------------------------------------


class AttachmentFilterSet(filters.FilterSet):
    project = _project_filter()
    household = _id_filter("household_id", _("Household (id)"))

    class Meta:
        model = Attachment
        fields = ["project", "household"]


class NoteFilterSet(filters.FilterSet):
    project = _project_filter()
    household = _id_filter("household_id", _("Household (id)"))

    class Meta:
        model = Note
        fields = ["project", "household"]


class MomentField(IsoDateTimeField):
    """An ISO 8601 moment that the database can store: one in the year 1 or 9999 whose UTC
    time falls outside the calendar is a field error, not a server error."""

    def clean(self, value: Any) -> Any:
        moment = super().clean(value)
        if moment is not None:
            try:
                moment.astimezone(dt.UTC)
            except OverflowError:
                raise forms.ValidationError(
                    _("Enter a date and time within the calendar."), code="invalid"
                ) from None
        return moment


class MomentFilter(filters.IsoDateTimeFilter):
    field_class = MomentField


class ChangeRecordFilterSet(filters.FilterSet):
    project = _project_filter()
    household = _id_filter("household_id", _("Household (id)"))
    action = filters.ChoiceFilter(choices=ChangeAction.choices, label=_("Action"))
    subject = filters.CharFilter(field_name="subject", label=_("Record type"))
    after = MomentFilter(field_name="at", lookup_expr="gte", label=_("Changed at or after"))
    before = MomentFilter(field_name="at", lookup_expr="lt", label=_("Changed before"))

    class Meta:
        model = ChangeRecord
        fields = ["project", "household", "action", "subject", "after", "before"]
