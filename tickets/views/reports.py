"""The monthly complaint statistics: the list of issued reports, issuing or regenerating a
period, and one report as a page with charts, a PDF and a CSV.

Everything shown comes from the report's frozen figures (`tickets.statistics`),
never from the orders as they are now.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.core.errors import ApplicationError
from frontdesk.core.pdf import pdf_bytes_response, render_pdf
from frontdesk.core.roles import Role, has_role
from frontdesk.core.scoping import project_ids_for, projects_for
from frontdesk.core.spreadsheets import csv_response

from .. import statistics
from ..models import ComplaintReport, EffectivenessBasis, ReportSettings

COMPILERS = (Role.DESK, Role.SUPERVISOR, Role.MANAGER)


class IssueForm(forms.Form):
    project = forms.TypedChoiceField(label=gettext_lazy("Project"), coerce=int)
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=gettext_lazy("The month whose 27th ends the period."),
    )
    replace = forms.BooleanField(label=gettext_lazy("Regenerate if issued"), required=False)

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = projects


class SettingsForm(forms.Form):
    project = forms.TypedChoiceField(label=gettext_lazy("Project"), coerce=int)
    effectiveness_basis = forms.ChoiceField(
        label=gettext_lazy("Complaint effectiveness rate means"),
        choices=EffectivenessBasis.choices,
    )
    callback_attempts = forms.IntegerField(
        label=gettext_lazy("Callback attempts"), min_value=1, max_value=10
    )
    callback_retry_minutes = forms.IntegerField(
        label=gettext_lazy("Call again after (minutes)"), min_value=5, max_value=24 * 60
    )

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = projects


def _project_id(request: HttpRequest) -> int:
    """The project asked for (?project=), else the user's first; 404 outside their projects."""
    ids = project_ids_for(request.user)
    raw = request.GET.get("project")
    if raw:
        try:
            chosen = int(raw)
        except ValueError:
            raise Http404 from None
        if chosen not in ids:
            raise Http404
        return chosen
    if not ids:
        raise Http404
    return sorted(ids)[0]


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The issued reports of the user's projects, the form to issue or regenerate one, and
    (for a supervisor or the manager) the project's choice of rate and callback retries."""
    projects = [(p.pk, p.name) for p in projects_for(request.user).order_by("name")]
    posted = request.POST if request.method == "POST" else None
    is_settings = posted is not None and "effectiveness_basis" in posted
    form = IssueForm(None if is_settings else posted, projects=projects)
    current = ReportSettings.for_project(projects[0][0]) if projects else None
    settings_form = SettingsForm(
        posted if is_settings else None,
        projects=projects,
        initial={
            "effectiveness_basis": getattr(current, "effectiveness_basis", None),
            "callback_attempts": getattr(current, "callback_attempts", None),
            "callback_retry_minutes": getattr(current, "callback_retry_minutes", None),
        },
    )
    if is_settings:
        if settings_form.is_valid():
            data = settings_form.cleaned_data
            try:
                statistics.report_settings_update(
                    project=projects_for(request.user).get(pk=data.pop("project")),
                    by=request.user,
                    **data,
                )
            except ApplicationError as error:
                error.apply_to_form(settings_form)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("tickets:complaint-reports")
    elif posted is not None:
        if not has_role(request.user, *COMPILERS):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            project = projects_for(request.user).get(pk=data["project"])
            try:
                report = statistics.complaint_report_issue(
                    project=project, period=data["period"], by=request.user, replace=data["replace"]
                )
            except ApplicationError as error:
                error.apply_to_form(form)
            else:
                messages.success(
                    request,
                    _("Complaint statistics %(period)s issued.") % {"period": report.period},
                )
                url = reverse("tickets:complaint-report", kwargs={"period": report.period})
                return redirect(f"{url}?project={report.project_id}")
    reports = list(statistics.complaint_report_list(user=request.user)[:120])
    return render(
        request,
        "tickets/reports/list.html",
        {
            "reports": reports,
            "projects": projects,
            "running_period": statistics.period_of(timezone.now()),
            "form": form,
            "settings_form": settings_form,
            "can_issue": has_role(request.user, *COMPILERS),
            "can_configure": has_role(request.user, Role.SUPERVISOR, Role.MANAGER),
            "last_period": statistics.last_complete_period(),
        },
    )


@login_required
def report_preview(request: HttpRequest) -> HttpResponse:
    """The running period so far (month to date): computed on each visit, marked not final,
    never saved; the issued report follows on the 27th."""
    project = projects_for(request.user).get(pk=_project_id(request))
    report = statistics.complaint_report_preview(project=project)
    context = statistics.report_view(report)
    context["preview"] = True
    return _report_page(request, context)


@login_required
def report_detail(request: HttpRequest, period: str) -> HttpResponse:
    """One issued report: the page (with charts), `?format=pdf` or `?format=csv`."""
    project_id = _project_id(request)
    try:
        report = statistics.complaint_report_get(
            user=request.user, project_id=project_id, period=period
        )
    except (ComplaintReport.DoesNotExist, ApplicationError):
        raise Http404(_("No complaint statistics issued for this period.")) from None
    context = statistics.report_view(report)
    context["printed_at"] = timezone.now()
    chosen = request.GET.get("format")
    filename = f"complaints-{report.project.code}-{report.period}"
    if chosen == "pdf":
        return pdf_bytes_response(
            render_pdf("print/complaint_report.html", context, request=request),
            filename=f"{filename}.pdf",
        )
    if chosen == "csv":
        return _csv(context, f"{filename}.csv")
    return _report_page(request, context)


def _report_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    context["chart"] = {
        "categories": [row["label"] for row in context["categories"]],
        "counts": [row["count"] for row in context["categories"]],
        "periods": [p["period"] for p in context["trend"]],
        "totals": [p["total"] for p in context["trend"]],
        "valid": [_number(p["valid_rate"]) for p in context["trend"]],
        "satisfied": [_number(p["satisfied_rate"]) for p in context["trend"]],
        "on_time": [_number(p["on_time_rate"]) for p in context["trend"]],
        "labels": {
            "count": _("Complaints"),
            "valid": _("Found valid (%)"),
            "satisfied": _("Resolved to satisfaction (%)"),
            "on_time": _("Handled on time (%)"),
        },
    }
    return render(request, "tickets/reports/detail.html", context)


def _number(rate: str | None) -> float | None:
    return float(rate) if rate is not None else None


def _pct(rate: str | None) -> str:
    return f"{rate}%" if rate is not None else "—"


def _csv(context: dict[str, Any], filename: str) -> HttpResponse:
    """The report as rows of (section, item, count, rate), with the UTF-8 mark Excel wants."""
    response, out = csv_response(filename)
    s = context["summary"]
    out.writerow([_("Section"), _("Item"), _("Count"), _("Rate")])
    out.writerow([_("Period"), context["period"], "", ""])
    out.writerow([_("Period"), _("From"), f"{context['starts']:%Y-%m-%d %H:%M}", ""])
    out.writerow([_("Period"), _("Until (not included)"), f"{context['ends']:%Y-%m-%d %H:%M}", ""])
    out.writerow([_("Complaints"), _("All complaints"), s["total"], ""])
    for row in context["categories"]:
        out.writerow([_("Per category"), row["label"], row["count"], ""])
    out.writerow(
        [_("Rates"), _("Complaint effectiveness rate"), "", _pct(context["effectiveness_rate"])]
    )
    out.writerow([_("Rates"), _("Found valid"), s["valid"], _pct(s["valid_rate"])])
    out.writerow(
        [_("Rates"), _("Resolved to satisfaction"), s["satisfied"], _pct(s["satisfied_rate"])]
    )
    out.writerow([_("Rates"), _("Handled on time"), s["on_time"], _pct(s["on_time_rate"])])
    out.writerow([_("Rates"), _("Marked not valid"), s["invalid"], ""])
    out.writerow([_("Rates"), _("Not yet marked"), s["unmarked"], ""])
    out.writerow([_("Rates"), _("Called back"), s["called_back"], ""])
    for point in context["trend"]:
        out.writerow(
            [
                _("Trend"),
                point["period"],
                point["total"],
                " / ".join(
                    _pct(point[k]) for k in ("valid_rate", "satisfied_rate", "on_time_rate")
                ),
            ]
        )
    for row in context["rising_categories"]:
        out.writerow(
            [_("Rising category"), row["label"], row["count"], _("before: %d") % row["previous"]]
        )
    for row in context["rising_households"]:
        out.writerow(
            [_("Rising household"), row["unit"], row["count"], _("before: %d") % row["previous"]]
        )
    for row in context["callbacks_by_department"]:
        out.writerow(
            [
                _("Callbacks by department"),
                row["label"],
                f"{row['called_back']}/{row['returned']}",
                f"{_pct(row['callback_rate'])} / {_pct(row['satisfied_rate'])}",
            ]
        )
    for row in context["callbacks_by_butler"]:
        out.writerow(
            [
                _("Callbacks by butler"),
                row["butler"],
                f"{row['called_back']}/{row['returned']}",
                f"{_pct(row['callback_rate'])} / {_pct(row['satisfied_rate'])}",
            ]
        )
    for key, text in context["definitions"].items():
        out.writerow([_("Definition"), key, "", text])
    return response
