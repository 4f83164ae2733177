"""The monthly complaint statistics against a hand-counted fixture: page, PDF, CSV, API.

The fixture (period 2026-11 = 2026-10-27 00:00 to 2026-11-27 00:00, Shanghai):

    in the period                         category     household  answered   callback          valid
    C1 2026-10-27 00:00:00 (first moment) cleaning     3-1502     +1 day     satisfied         yes
    C2 2026-11-01 10:00                   cleaning     3-1502     +4 days    not satisfied     yes
    C3 2026-11-05 09:00                   security     3-0802     +2 days    basically sat.    no
    C4 2026-11-10 14:00                   cleaning     3-1502     +2 days    not reached       -
    C5 2026-11-20 09:00                   attitude     3-0802     never      -                 -
    C6 2026-11-26 23:59:59 (last second)  engineering  lift       +1 day     satisfied         yes
    C7 2026-11-03 (voided)                cleaning     3-1502
    outside
    O1 2026-10-26 23:59:59 (period before) cleaning    3-1502     +1 day     -                 yes
    O3 2026-10-05 (period before)          security    3-0802     never
    O2 2026-11-27 00:00:00 (next period)   security    3-0802
    R1 repair returned 2026-11-15 and called back satisfied (engineering).

Hand count: 6 complaints; cleaning 3, security 1, staff attitude 1, engineering 1;
found valid 3 (50.0%), not valid 1, unmarked 2; called back 4, satisfied 3 (50.0%);
on time 4 (C1 C3 C4 C6: 66.7%). Period before: 2 complaints, valid 50.0%,
satisfied 0.0%, on time 50.0%. Rising: cleaning (3, before 1); 3-1502 (3, before 1),
3-0802 (2, before 1). Returned in the period: complaints O1 C1 C2 C3 C4 (butler1:
5 returned, 3 called back = 60.0%, 2 satisfied = 66.7%); engineering 1/1, 100.0%.
"""

import csv
import datetime as dt
import io
import re
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from tests.tickets.factories import register
from tickets import services, statistics
from tickets.choices import ComplaintCategory
from tickets.models import ComplaintReport, ReportSettings

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
PERIOD = "2026-11"


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def _complaint(
    when,
    *,
    by,
    butler,
    supervisor,
    category,
    household=None,
    answer_after=None,
    callback=None,
    valid=None,
):
    """Register a complaint at `when` and take it as far as the fixture says."""
    place = {} if household is not None else {"place": "lift", "reporter_name": "李女士"}
    with time_machine.travel(when, tick=False):
        ticket = register(
            household=household,
            project=by.memberships.first().project,
            by=by,
            kind="complaint",
            matter=f"{category} {when:%m-%d}",
            complaint={"category": category, "reason": "service_quality"},
            **place,
        )
        if answer_after is None:
            return ticket
        services.ticket_dispatch(ticket=ticket, by=by, assignee=butler)
        services.complaint_butler_reply(ticket=ticket, reply="已联系", by=butler)
    with time_machine.travel(when + answer_after, tick=False):
        services.complaint_answer(ticket=ticket, answer="已处理", by=butler)
        services.complaint_sign_off(ticket=ticket, by=butler)
        if callback == "not_reached":
            services.ticket_callback(ticket=ticket, by=by, reached=False)
        elif callback:
            services.ticket_callback(ticket=ticket, by=by, satisfaction=callback)
        if valid is not None:
            services.complaint_mark_valid(
                ticket=ticket, valid=valid, by=supervisor, cause="属实" if valid else ""
            )
    return ticket


@pytest.fixture
def fixture_orders(household, second_household, desk_user, butler, supervisor, engineer):
    day = dt.timedelta(days=1)
    common = {"by": desk_user, "butler": butler, "supervisor": supervisor}
    h1, h2 = household, second_household
    orders = {
        "C1": _complaint(
            at(2026, 10, 27),
            category="cleaning",
            household=h1,
            answer_after=day,
            callback="satisfied",
            valid=True,
            **common,
        ),
        "C2": _complaint(
            at(2026, 11, 1, 10),
            category="cleaning",
            household=h1,
            answer_after=4 * day,
            callback="not_satisfied",
            valid=True,
            **common,
        ),
        "C3": _complaint(
            at(2026, 11, 5, 9),
            category="security",
            household=h2,
            answer_after=2 * day,
            callback="basically_satisfied",
            valid=False,
            **common,
        ),
        "C4": _complaint(
            at(2026, 11, 10, 14),
            category="cleaning",
            household=h1,
            answer_after=2 * day,
            callback="not_reached",
            **common,
        ),
        "C5": _complaint(at(2026, 11, 20, 9), category="attitude", household=h2, **common),
        "C6": _complaint(
            at(2026, 11, 26, 23, 59, 59),
            category="engineering",
            answer_after=day,
            callback="satisfied",
            valid=True,
            **common,
        ),
        "C7": _complaint(at(2026, 11, 3, 9), category="cleaning", household=h1, **common),
        "O1": _complaint(
            at(2026, 10, 26, 23, 59, 59),
            category="cleaning",
            household=h1,
            answer_after=day,
            valid=True,
            **common,
        ),
        "O3": _complaint(at(2026, 10, 5, 9), category="security", household=h2, **common),
        "O2": _complaint(at(2026, 11, 27), category="security", household=h2, **common),
    }
    with time_machine.travel(at(2026, 11, 3, 10), tick=False):
        services.ticket_void(ticket=orders["C7"], reason="重复登记", by=desk_user)
    with time_machine.travel(at(2026, 11, 15, 9), tick=False):
        repair = register(household=h1, by=desk_user, matter="水龙头漏水")
        services.ticket_dispatch(ticket=repair, by=desk_user, assignee=engineer)
        services.ticket_accept(ticket=repair, by=engineer)
        services.ticket_complete(ticket=repair, by=engineer, result="换阀芯")
        services.ticket_return(ticket=repair, by=desk_user)
        services.ticket_callback(ticket=repair, by=desk_user, satisfaction="satisfied")
    orders["R1"] = repair
    return orders


@pytest.fixture
def issued(fixture_orders, project):
    with time_machine.travel(at(2026, 11, 27, 0, 5), tick=False):
        return statistics.complaint_report_issue(project=project, period=PERIOD)


def _zh(choice):
    with translation.override("zh-hans"):
        return str(choice.label)


EXPECTED_SUMMARY = {
    "period": PERIOD,
    "total": 6,
    "valid": 3,
    "invalid": 1,
    "unmarked": 2,
    "called_back": 4,
    "satisfied": 3,
    "on_time": 4,
    "valid_rate": "50.0",
    "satisfied_rate": "50.0",
    "on_time_rate": "66.7",
}
EXPECTED_CATEGORIES = {
    "security": 1,
    "cleaning": 3,
    "greening": 0,
    "engineering": 1,
    "mail": 0,
    "decoration": 0,
    "attitude": 1,
    "other": 0,
}


def test_periods_cover_every_day_once():
    """A period runs from the 27th 00:00 to the next 27th 00:00; the next starts where it ends."""
    start, end = statistics.period_bounds("2026-01")
    assert (start, end) == (at(2025, 12, 27), at(2026, 1, 27))
    assert statistics.period_bounds("2026-02")[0] == end
    assert statistics.period_of(at(2026, 11, 26, 23, 59, 59)) == "2026-11"
    assert statistics.period_of(at(2026, 11, 27)) == "2026-12"
    assert statistics.last_complete_period(at(2026, 11, 27, 0, 1)) == "2026-11"
    assert statistics.last_complete_period(at(2026, 11, 26, 23)) == "2026-10"


def test_every_figure_matches_the_hand_count(issued):
    """The frozen figures equal the hand count of the fixture, boundaries and voided included."""
    f = issued.figures
    assert f["summary"] == EXPECTED_SUMMARY
    assert {row["category"]: row["count"] for row in f["categories"]} == EXPECTED_CATEGORIES
    assert f["rising_categories"] == [{"category": "cleaning", "count": 3, "previous": 1}]
    assert [(r["unit"], r["count"], r["previous"]) for r in f["rising_households"]] == [
        ("3-1502", 3, 1),
        ("3-0802", 2, 1),
    ]
    assert f["callbacks_by_butler"] == [
        {
            "butler": "butler1",
            "returned": 5,
            "called_back": 3,
            "satisfied": 2,
            "callback_rate": "60.0",
            "satisfied_rate": "66.7",
        }
    ]
    assert f["callbacks_by_department"] == [
        {
            "department": "engineering",
            "returned": 1,
            "called_back": 1,
            "satisfied": 1,
            "callback_rate": "100.0",
            "satisfied_rate": "100.0",
        }
    ]
    trend = f["trend"]
    assert [p["period"] for p in trend][0] == "2025-12" and len(trend) == 12
    assert trend[-2] == {
        "period": "2026-10",
        "total": 2,
        "valid_rate": "50.0",
        "satisfied_rate": "0.0",
        "on_time_rate": "50.0",
    }
    assert trend[-1]["total"] == 6 and trend[0]["total"] == 0 and trend[0]["valid_rate"] is None
    assert (issued.starts_at, issued.ends_at) == (at(2026, 10, 27), at(2026, 11, 27))


def _page_figure(html, name):
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    return match.group(1) if match else None


def test_page_shows_every_figure(client, desk_user, issued, project, django_assert_num_queries):
    """The report page shows every figure of the hand count, the period and the definitions."""
    client.force_login(desk_user)
    url = reverse("tickets:complaint-report", kwargs={"period": PERIOD})
    client.get(f"{url}?project={project.pk}")
    # Session, user, projects, the report, the user's roles (navigation).
    with django_assert_num_queries(5):
        html = client.get(f"{url}?project={project.pk}").content.decode()
    assert _page_figure(html, "total") == "6"
    assert _page_figure(html, "effectiveness") == "50.0%"
    assert _page_figure(html, "valid") == "3" and _page_figure(html, "valid_rate") == "50.0%"
    assert _page_figure(html, "satisfied") == "3"
    assert _page_figure(html, "satisfied_rate") == "50.0%"
    assert _page_figure(html, "on_time") == "4" and _page_figure(html, "on_time_rate") == "66.7%"
    assert _page_figure(html, "invalid") == "1" and _page_figure(html, "unmarked") == "2"
    assert _page_figure(html, "called_back") == "4"
    for code, count in EXPECTED_CATEGORIES.items():
        assert f'data-category="{code}">{count}<' in html
    assert "2026-10-27 00:00 – 2026-11-27 00:00" in html
    assert re.search(r'data-period="2026-10"><td>2026-10</td><td class="num">2</td>', html)
    assert "3-1502" in html and "3-0802" in html
    assert str(statistics.DEFINITIONS["on_time"]) in html
    assert "chart.umd.min.js" in html and 'id="report-chart"' in html


def test_pdf_carries_the_same_figures(client, desk_user, issued, project):
    """The PDF's text has the period, every rate, every category count and the definitions."""
    client.force_login(desk_user)
    url = reverse("tickets:complaint-report", kwargs={"period": PERIOD})
    response = client.get(f"{url}?project={project.pk}&format=pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    flat = re.sub(r"\s+", " ", text)
    assert "2026-10-27 00:00 – 2026-11-27 00:00" in flat
    for figure in ("50.0%", "66.7%", "60.0%", "100.0%"):
        assert figure in flat
    for label, count in (
        (_zh(ComplaintCategory.CLEANING), 3),
        (_zh(ComplaintCategory.SECURITY), 1),
        (_zh(ComplaintCategory.ATTITUDE), 1),
        (_zh(ComplaintCategory.ENGINEERING), 1),
        (_zh(ComplaintCategory.MAIL), 0),
    ):
        assert f"{label} {count}" in flat
    assert "3-1502 3 1" in flat and "3-0802 2 1" in flat
    assert "2026-10 2 50.0% 0.0% 50.0%" in flat
    assert "2026-11 6 50.0% 50.0% 66.7%" in flat


def test_csv_carries_the_same_figures(client, desk_user, issued, project):
    """The CSV (here in English, the user's choice) has one row per figure, equal to the hand
    count."""
    from django.conf import settings

    client.force_login(desk_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("tickets:complaint-report", kwargs={"period": PERIOD})
    response = client.get(f"{url}?project={project.pk}&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_item = {(r[0], r[1]): r[2:] for r in rows}
    assert by_item[("Complaints", "All complaints")] == ["6", ""]
    for code, count in EXPECTED_CATEGORIES.items():
        with translation.override("en"):
            label = str(ComplaintCategory(code).label)
        assert by_item[("Per category", label)] == [str(count), ""]
    assert by_item[("Rates", "Complaint effectiveness rate")] == ["", "50.0%"]
    assert by_item[("Rates", "Found valid")] == ["3", "50.0%"]
    assert by_item[("Rates", "Resolved to satisfaction")] == ["3", "50.0%"]
    assert by_item[("Rates", "Handled on time")] == ["4", "66.7%"]
    assert by_item[("Rates", "Marked not valid")] == ["1", ""]
    assert by_item[("Rates", "Not yet marked")] == ["2", ""]
    assert by_item[("Trend", "2026-10")] == ["2", "50.0% / 0.0% / 50.0%"]
    assert by_item[("Rising household", "3-1502")] == ["3", "before: 1"]
    assert by_item[("Rising category", "Cleaning")] == [
        "3",
        "before: 1",
    ]
    assert by_item[("Callbacks by butler", "butler1")] == ["3/5", "60.0% / 66.7%"]
    assert by_item[("Period", "From")] == ["2026-10-27 00:00", ""]


def test_api_answers_the_frozen_figures(
    api_client, desk_user, issued, project, django_assert_num_queries
):
    """GET /api/v1/reports/complaints/ answers the issued figures; 404 for a period not issued."""
    # A fresh instance, as each request has: nothing cached by the fixtures' own steps.
    desk_api = api_client
    desk_api.force_authenticate(type(desk_user).objects.get(pk=desk_user.pk))
    url = f"/api/v1/reports/complaints/?project={project.pk}&period={PERIOD}"
    # The user's roles, the user's projects, the report.
    with django_assert_num_queries(3):
        data = desk_api.get(url).json()
    assert data["summary"] == EXPECTED_SUMMARY
    assert data["effectiveness_basis"] == "valid" and data["effectiveness_rate"] == "50.0"
    assert {r["category"]: r["count"] for r in data["categories"]} == EXPECTED_CATEGORIES
    assert desk_api.get(url.replace(PERIOD, "2026-09")).status_code == 404
    assert desk_api.get(url.replace(PERIOD, "2026-13")).status_code == 400


def test_another_projects_report_is_not_found(issued, other_desk_user, api_client, client, project):
    """A report of a project the user does not work in is a 404 in the API and on the page."""
    api_client.force_authenticate(other_desk_user)
    url = f"/api/v1/reports/complaints/?project={project.pk}&period={PERIOD}"
    assert api_client.get(url).status_code == 404
    client.force_login(other_desk_user)
    page = reverse("tickets:complaint-report", kwargs={"period": PERIOD})
    assert client.get(f"{page}?project={project.pk}").status_code == 404


def test_project_chooses_which_rate_carries_the_name(fixture_orders, project):
    """With the satisfaction basis, the effectiveness rate is the satisfied share (frozen)."""
    ReportSettings.objects.create(project=project, effectiveness_basis="satisfied")
    with time_machine.travel(at(2026, 11, 28), tick=False):
        report = statistics.complaint_report_issue(project=project, period=PERIOD)
    ReportSettings.objects.filter(project=project).update(effectiveness_basis="valid")
    view = statistics.report_view(report)
    assert view["basis"] == "satisfied" and view["effectiveness_rate"] == "50.0"


def test_issued_report_is_frozen_and_regenerating_replaces_it(
    issued, fixture_orders, project, supervisor
):
    """Marking a complaint later leaves the issued report as it was; regenerating on purpose
    updates the same report, never a second one."""
    with time_machine.travel(at(2026, 11, 28, 9), tick=False):
        services.complaint_mark_valid(
            ticket=fixture_orders["C4"], valid=True, by=supervisor, cause="属实"
        )
        again = statistics.complaint_report_issue(project=project, period=PERIOD)
    assert again.pk == issued.pk and again.figures["summary"]["valid"] == 3
    issued.refresh_from_db()
    assert issued.figures["summary"]["valid"] == 3
    with time_machine.travel(at(2026, 11, 28, 10), tick=False):
        replaced = statistics.complaint_report_issue(
            project=project, period=PERIOD, by=supervisor, replace=True
        )
    assert replaced.pk == issued.pk
    assert replaced.figures["summary"]["valid"] == 4
    assert replaced.figures["summary"]["valid_rate"] == "66.7"
    assert ComplaintReport.objects.filter(project=project, period=PERIOD).count() == 1


def test_a_period_not_over_is_refused(project):
    """The report of a period that has not ended yet is not issued."""
    with time_machine.travel(at(2026, 11, 26, 23), tick=False):
        with pytest.raises(Exception) as refused:
            statistics.complaint_report_issue(project=project, period=PERIOD)
    assert "period" in refused.value.fields
    assert not ComplaintReport.objects.exists()


def test_supervisor_chooses_the_rate_and_regenerates_from_the_page(
    client, supervisor, desk_user, issued, project, django_assert_num_queries
):
    """On the reports page the supervisor makes the satisfaction share carry the name and
    regenerates the period: the same report now names 50.0% after that rate. The desk may
    issue reports but not change the project's choice."""
    url = reverse("tickets:complaint-reports")
    client.force_login(desk_user)
    # Session, user, projects, their names, the project's settings, the reports, roles.
    with django_assert_num_queries(7):
        html = client.get(url).content.decode()
    assert PERIOD in html and 'id="settings"' not in html
    choice = {
        "project": project.pk,
        "effectiveness_basis": "satisfied",
        "callback_attempts": 2,
        "callback_retry_minutes": 30,
    }
    assert client.post(url, choice).status_code == 403
    client.force_login(supervisor)
    with time_machine.travel(at(2026, 11, 28, 9), tick=False):
        assert client.post(url, choice).status_code == 302
        response = client.post(url, {"project": project.pk, "period": PERIOD, "replace": "on"})
    assert response.status_code == 302
    settings = ReportSettings.objects.get(project=project)
    assert (settings.effectiveness_basis, settings.callback_attempts) == ("satisfied", 2)
    report = ComplaintReport.objects.get(project=project, period=PERIOD)
    assert report.pk == issued.pk and report.figures["effectiveness_basis"] == "satisfied"
    assert report.generated_by == supervisor


def test_csv_writes_a_butler_named_like_a_formula_as_text(
    client, desk_user, butler, project, request
):
    """A butler whose name starts with @ is written as text in the statistics CSV."""
    butler.username = "@butler1"
    butler.save()
    request.getfixturevalue("issued")
    client.force_login(desk_user)
    url = reverse("tickets:complaint-report", kwargs={"period": PERIOD})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the user's choice of language
    response = client.get(f"{url}?project={project.pk}&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_item = {(r[0], r[1]): r[2:] for r in rows}
    assert by_item[("Callbacks by butler", "'@butler1")] == ["3/5", "60.0% / 66.7%"]
    assert not [cell for row in rows for cell in row if cell.startswith(("=", "+", "-", "@"))]


def test_running_period_preview_is_live_not_final_and_never_frozen(
    client, supervisor, project, household, desk_user
):
    """Before the 27th, the supervisor reads the running period's figures so far, marked not
    final; a complaint registered a minute later shows at once; nothing is saved."""
    url = reverse("tickets:complaint-report-preview") + f"?project={project.pk}"
    with time_machine.travel(at(2026, 12, 2, 10, 0), tick=False):
        client.force_login(supervisor)  # at the moment of the visit: a session idles out
        listed = client.get(reverse("tickets:complaint-reports")).content.decode()
        assert url.replace("&", "&amp;") in listed or url in listed
        before = client.get(url)
    html = before.content.decode()
    assert before.status_code == 200 and 'id="not-final"' in html and "2026-12" in html
    assert before.context["summary"]["total"] == 0
    with time_machine.travel(at(2026, 12, 2, 10, 1), tick=False):
        register(
            household=household,
            by=desk_user,
            kind="complaint",
            matter="电梯噪音",
            complaint={"category": "engineering", "reason": "elevator"},
        )
        after = client.get(url)
    assert after.context["summary"]["total"] == 1
    assert not ComplaintReport.objects.filter(period="2026-12").exists()
