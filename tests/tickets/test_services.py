"""Work-order services: each kind walked through its process, and the refusals."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from frontdesk.core.deadlines import deadlines_of
from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Deadline, DeadlinePolicy, Notification
from tickets import services
from tickets.choices import TicketKind, TicketStatus
from tickets.models import Callback, ComplaintDetail, Ticket, TicketEvent
from tickets.transitions import TRANSITIONS

from .factories import register

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SH)


def actions(ticket: Ticket) -> list[str]:
    return list(
        TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("action", flat=True)
    )


# --- Repairs ------------------------------------------------------------------------------


def test_repair_walks_from_registration_to_close(household, desk_user, engineer):
    """A free repair goes registered → dispatched → accepted → arrived → done → returned →
    called back → closed, each step timed and on the timeline."""
    with time_machine.travel(at(25, 9), tick=False):
        ticket = register(household=household, by=desk_user, address_confirmed=True)
        assert (ticket.serial, ticket.status) == ("WX-2026-000001", TicketStatus.REGISTERED)
        assert ticket.building == household.unit.building
        services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    with time_machine.travel(at(25, 9, 5), tick=False):
        services.ticket_accept(ticket=ticket, by=engineer)
    with time_machine.travel(at(25, 9, 30), tick=False):
        services.ticket_arrive(ticket=ticket, by=engineer)
    with time_machine.travel(at(25, 10), tick=False):
        services.ticket_complete(ticket=ticket, by=engineer, result="更换阀芯")
        services.ticket_return(ticket=ticket, by=desk_user)
        services.ticket_callback(
            ticket=ticket, by=desk_user, satisfaction="satisfied", quality="good"
        )
        services.ticket_close(ticket=ticket, by=desk_user)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert ticket.arrived_at == at(25, 9, 30)
    assert ticket.department == "engineering" and ticket.assignee == engineer
    assert actions(ticket) == [
        "register",
        "dispatch",
        "accept",
        "arrive",
        "complete",
        "return",
        "callback",
        "close",
    ]
    dispatch = TicketEvent.objects.get(ticket=ticket, action="dispatch")
    assert (dispatch.from_status, dispatch.to_status, dispatch.actor) == (
        "registered",
        "dispatched",
        desk_user,
    )
    assert dispatch.data["butler_told"] == household.unit.building.butler_id


def test_paid_repair_is_dispatched_only_after_the_quote_is_acknowledged(
    household, desk_user, engineer
):
    """A paid repair is refused dispatch until the resident acknowledges the fee, and its
    completion records the fee charged for the cashier."""
    ticket = register(household=household, by=desk_user, paid=True, fee_quote=Decimal("80"))
    with pytest.raises(ApplicationError) as refused:
        services.ticket_dispatch(ticket=ticket, by=desk_user)
    assert "fee_quote" in refused.value.fields
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REGISTERED and ticket.dispatched_at is None
    services.ticket_quote_acknowledge(ticket=ticket, by=desk_user, fee_quote=Decimal("95.50"))
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    services.ticket_arrive(ticket=ticket, by=engineer)
    with pytest.raises(ApplicationError) as refused:
        services.ticket_complete(ticket=ticket, by=engineer)
    assert "fee_charged" in refused.value.fields
    services.ticket_complete(
        ticket=ticket, by=engineer, fee_charged=Decimal("95.50"), material_cost="30"
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.fee_quote, ticket.fee_charged, ticket.material_cost) == (
        "done",
        Decimal("95.50"),
        Decimal("95.50"),
        Decimal("30.00"),
    )


def _worked(household, desk_user, engineer):
    ticket = register(household=household, by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    services.ticket_arrive(ticket=ticket, by=engineer)
    services.ticket_complete(ticket=ticket, by=engineer)
    return ticket


def test_free_order_back_after_the_working_day_needs_a_reason(household, desk_user, engineer):
    """A free order returned after the end of the project's working day (its calendar, 17:30
    by default) is refused without a reason."""
    with time_machine.travel(at(25, 9), tick=False):
        late = _worked(household, desk_user, engineer)
        early = _worked(household, desk_user, engineer)
    with time_machine.travel(at(25, 17, 20), tick=False):
        services.ticket_return(ticket=early, by=desk_user)
    with time_machine.travel(at(25, 18, 30), tick=False):
        with pytest.raises(ApplicationError) as refused:
            services.ticket_return(ticket=late, by=desk_user)
        assert "late_reason" in refused.value.fields
        services.ticket_return(ticket=late, by=desk_user, late_reason="等配件")
    late.refresh_from_db()
    early.refresh_from_db()
    assert (late.status, late.return_late_reason) == ("returned", "等配件")
    assert (early.status, early.return_late_reason) == ("returned", "")


def test_end_of_the_working_day_is_the_projects_setting(household, desk_user, engineer):
    """A project whose working day ends at 17:00 wants free orders back by then."""
    DeadlinePolicy.objects.create(project=household.project, workday_ends_at=dt.time(17, 0))
    with time_machine.travel(at(26, 9), tick=False):
        ticket = _worked(household, desk_user, engineer)
    assert ticket.due_at == at(26, 17)
    with time_machine.travel(at(26, 17, 10), tick=False), pytest.raises(ApplicationError):
        services.ticket_return(ticket=ticket, by=desk_user)


def test_promises_of_an_order_are_watched_as_deadlines(household, desk_user, engineer):
    """Dispatch opens the return deadline of the worker; the return keeps it and opens the
    desk's callback, which the callback keeps; voiding drops what is still open."""
    with time_machine.travel(at(25, 9), tick=False):
        ticket = register(household=household, by=desk_user)
        services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
        back = Deadline.objects.get(kind="order.return_free")
        assert (back.responsible, back.due_at, back.state) == (engineer, at(25, 17, 30), "open")
        services.ticket_arrive(ticket=ticket, by=engineer)
        services.ticket_complete(ticket=ticket, by=engineer)
        services.ticket_return(ticket=ticket, by=desk_user)
        services.ticket_callback(ticket=ticket, by=desk_user, satisfaction="satisfied")
        other = register(household=household, by=desk_user)
        services.ticket_dispatch(ticket=other, by=desk_user, assignee=engineer)
        services.ticket_void(ticket=other, by=desk_user, reason="重复")
    states = {d.kind: d.state for d in deadlines_of(ticket)}
    assert states == {
        "commitment.general": "cancelled",
        "order.return_free": "met",
        "order.callback": "met",
    }
    assert [d.state for d in deadlines_of(other)] == ["cancelled", "cancelled"]


def test_a_pause_moves_the_return_deadline_by_the_working_time_lost(household, desk_user, engineer):
    """Waiting for parts from 10:00 to 10:00 the next day moves the return to the next day's
    end: the order is not late then."""
    with time_machine.travel(at(25, 9), tick=False):
        ticket = register(household=household, by=desk_user)
        services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
        services.ticket_arrive(ticket=ticket, by=engineer)
    with time_machine.travel(at(25, 10), tick=False):
        services.ticket_pause(ticket=ticket, by=engineer, reason="等待配件")
    with time_machine.travel(at(26, 10), tick=False):
        services.ticket_resume(ticket=ticket, by=engineer)
        services.ticket_complete(ticket=ticket, by=engineer)
    assert ticket.due_at == at(26, 17, 30)
    with time_machine.travel(at(26, 17), tick=False):
        services.ticket_return(ticket=ticket, by=desk_user)
    assert ticket.return_late_reason == ""


def test_pause_and_resume_return_to_where_the_order_stopped(household, desk_user, engineer):
    """A paused order records its reason and resumes in the status it was paused from."""
    ticket = register(household=household, by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    services.ticket_arrive(ticket=ticket, by=engineer)
    with pytest.raises(ApplicationError) as refused:
        services.ticket_pause(ticket=ticket, by=engineer, reason=" ")
    assert "reason" in refused.value.fields
    services.ticket_pause(ticket=ticket, by=engineer, reason="等待配件")
    assert (ticket.status, ticket.pause_reason) == ("paused", "等待配件")
    with pytest.raises(ApplicationError):
        services.ticket_complete(ticket=ticket, by=engineer)
    services.ticket_resume(ticket=ticket, by=engineer)
    assert ticket.status == TicketStatus.ARRIVED


def test_transfer_hands_the_order_to_another_worker_who_accepts_again(
    household, desk_user, engineer, cleaner
):
    """A transferred order is dispatched to its new department and worker and must be accepted
    again; transferring to the same worker is refused."""
    ticket = register(household=household, by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    services.ticket_accept(ticket=ticket, by=engineer)
    with pytest.raises(ApplicationError):
        services.ticket_transfer(ticket=ticket, by=desk_user, reason="x", assignee=engineer)
    services.ticket_transfer(
        ticket=ticket, by=desk_user, reason="需清洁部处理", department="cleaning", assignee=cleaner
    )
    assert (ticket.status, ticket.department, ticket.assignee, ticket.accepted_at) == (
        "dispatched",
        "cleaning",
        cleaner,
        None,
    )
    back = Deadline.objects.get(kind="order.return_free", state="open")
    assert (back.responsible, back.due_at) == (cleaner, ticket.due_at)
    event = TicketEvent.objects.get(ticket=ticket, action="transfer")
    assert event.data["from_department"] == "engineering" and event.note == "需清洁部处理"


def test_follow_up_call_is_counted_and_raises_the_priority(household, desk_user, engineer):
    """A resident's follow-up call (催单) is counted and makes a normal order urgent."""
    ticket = register(household=household, by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    services.ticket_follow_up(ticket=ticket, by=desk_user, note="师傅怎么还没到")
    services.ticket_follow_up(ticket=ticket, by=desk_user)
    ticket.refresh_from_db()
    assert (ticket.follow_up_count, ticket.priority) == (2, "urgent")


def test_void_keeps_the_number_and_nothing_more_can_happen(household, desk_user, engineer):
    """A voided order keeps its serial, records who voided it and why; a second void and
    completing it are refused, and the next order takes the next number."""
    ticket = register(household=household, by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    with pytest.raises(ApplicationError) as refused:
        services.ticket_void(ticket=ticket, by=desk_user, reason="")
    assert "reason" in refused.value.fields
    services.ticket_void(ticket=ticket, by=desk_user, reason="重复登记")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.serial, ticket.voided_by, ticket.void_reason) == (
        "voided",
        "WX-2026-000001",
        desk_user,
        "重复登记",
    )
    with pytest.raises(ApplicationError) as refused:
        services.ticket_void(ticket=ticket, by=desk_user, reason="again")
    assert str(TRANSITIONS["void"].label) in str(refused.value)
    with pytest.raises(ApplicationError):
        services.ticket_complete(ticket=ticket, by=engineer)
    assert register(household=household, by=desk_user).serial == "WX-2026-000002"
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_only_a_supervisor_force_closes(household, desk_user, supervisor):
    """A forced close needs a supervisor (or the manager) and a reason."""
    ticket = register(household=household, by=desk_user)
    with pytest.raises(PermissionDenied):
        services.ticket_force_close(ticket=ticket, by=desk_user, reason="住户已自行修好")
    services.ticket_force_close(ticket=ticket, by=supervisor, reason="住户已自行修好")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.close_reason) == ("closed", "住户已自行修好")


def _returned(household, desk_user, engineer):
    ticket = register(household=household, by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    services.ticket_arrive(ticket=ticket, by=engineer)
    services.ticket_complete(ticket=ticket, by=engineer)
    services.ticket_return(ticket=ticket, by=desk_user, late_reason="晚")
    return ticket


def test_callback_not_satisfied_opens_a_linked_rework_order(household, desk_user, engineer):
    """ "Not satisfied" with rework opens a new urgent order linked to the first."""
    ticket = _returned(household, desk_user, engineer)
    callback = services.ticket_callback(
        ticket=ticket,
        by=desk_user,
        satisfaction="not_satisfied",
        quality="poor",
        comment="还在漏水",
        follow_up="rework",
    )
    rework = callback.follow_up_ticket
    assert (rework.rework_of, rework.kind, rework.priority, rework.matter) == (
        ticket,
        "repair",
        "urgent",
        "还在漏水",
    )
    assert rework.serial == "WX-2026-000002"
    assert ticket.status == TicketStatus.VISITED


def test_callback_not_satisfied_opens_a_linked_complaint(household, desk_user, engineer):
    """ "Not satisfied" with a complaint opens a complaint about the order."""
    ticket = _returned(household, desk_user, engineer)
    callback = services.ticket_callback(
        ticket=ticket,
        by=desk_user,
        satisfaction="not_satisfied",
        improper_charge=True,
        improper_charge_note="师傅多收50元",
        follow_up="complaint",
    )
    complaint = callback.follow_up_ticket
    assert (complaint.kind, complaint.complaint_from, complaint.serial) == (
        "complaint",
        ticket,
        "TS-2026-000001",
    )
    assert complaint.complaint.category == "engineering"
    assert Callback.objects.get(ticket=ticket).improper_charge


def test_callback_that_misses_the_resident_leaves_the_order_waiting(household, desk_user, engineer):
    """A call that does not reach the resident is recorded and the order stays returned;
    satisfaction is refused when nobody was reached, and required when someone was."""
    ticket = _returned(household, desk_user, engineer)
    services.ticket_callback(ticket=ticket, by=desk_user, reached=False, comment="无人接听")
    assert ticket.status == TicketStatus.RETURNED
    with pytest.raises(ApplicationError) as refused:
        services.ticket_callback(ticket=ticket, by=desk_user)
    assert "satisfaction" in refused.value.fields
    assert Callback.objects.filter(ticket=ticket).count() == 1


def test_warranty_repair_gets_one_progress_report_a_day(household, desk_user, engineer):
    """A warranty repair names the developer and the liaison, who reports once a day."""
    with time_machine.travel(at(25, 9), tick=False):
        ticket = register(household=household, by=desk_user, matter="外墙渗水")
        services.warranty_pass(
            ticket=ticket, by=desk_user, contractor="开发商工程部", liaison=engineer
        )
        with pytest.raises(ApplicationError):
            services.warranty_report(ticket=ticket, by=engineer, progress="搭架")
        services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
        services.warranty_report(ticket=ticket, by=engineer, progress="搭架")
        with pytest.raises(ApplicationError) as refused:
            services.warranty_report(ticket=ticket, by=engineer, progress="again")
        assert "date" in refused.value.fields
    with time_machine.travel(at(26, 9), tick=False):
        services.warranty_report(ticket=ticket, by=engineer, progress="打胶")
        services.ticket_arrive(ticket=ticket, by=engineer)
        services.ticket_complete(ticket=ticket, by=engineer)
    reports = ticket.warranty.reports.order_by("date")
    assert [(r.date.day, r.progress) for r in reports] == [(25, "搭架"), (26, "打胶")]
    assert ticket.warranty.liaison == engineer
    # Each day's report keeps that day's deadline; the work done stops the next one.
    daily = deadlines_of(ticket).filter(kind="warranty.progress_report")
    assert [(d.due_at, d.state) for d in daily] == [
        (at(25, 17, 30), "met"),
        (at(26, 17, 30), "met"),
        (at(27, 17, 30), "cancelled"),
    ]


def test_public_place_needs_no_household_but_who_reported_it(building, desk_user):
    """An emergency in a lift is registered without a household, with its reporter."""
    with pytest.raises(ApplicationError) as refused:
        services.ticket_register(
            project=building.project,
            kind="repair",
            matter="电梯困人",
            by=desk_user,
            building=building,
            place="lift",
        )
    assert "reporter_name" in refused.value.fields
    ticket = services.ticket_register(
        project=building.project,
        kind="repair",
        matter="电梯困人",
        by=desk_user,
        building=building,
        place="lift",
        location="2号梯",
        reporter_name="张先生",
        priority="emergency",
    )
    assert (ticket.household, ticket.serial, ticket.priority) == (
        None,
        "WX-2026-000001",
        "emergency",
    )
    assert ticket.where.endswith("2号梯") and str(building) in ticket.where


# --- Refusals at registration --------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "plumbing"}, "kind"),
        ({"matter": "  "}, "matter"),
        ({"priority": "whenever"}, "priority"),
        ({"appointment_at": "2026-13-45 25:00"}, "appointment_at"),
        ({"appointment_at": "tomorrow"}, "appointment_at"),
        ({"fee_quote": "-5"}, "fee_quote"),
        (
            {"kind": "complaint", "complaint": {"category": "noise", "reason": "emergency"}},
            "category",
        ),
        ({"kind": "complaint", "complaint": {"category": "cleaning"}}, "reason"),
        ({"kind": "complaint"}, "category"),
        ({"place": "lift"}, None),
    ],
)
def test_bad_registration_is_refused_on_its_field_and_uses_no_number(
    household, desk_user, changes, field
):
    """Bad input gets a message on its field, saves nothing and consumes no serial number."""
    arguments = {
        "project": household.project,
        "kind": "repair",
        "matter": "漏水",
        "household": household,
        "by": desk_user,
        **changes,
    }
    if field is None:
        arguments["household"] = None
        arguments["place"] = ""
        field = "household"
    with pytest.raises(ApplicationError) as refused:
        services.ticket_register(**arguments)
    assert field in refused.value.fields
    assert not Ticket.objects.exists() and not ComplaintDetail.objects.exists()
    kind = (
        changes.get("kind", "repair")
        if changes.get("kind") in {"repair", "complaint"}
        else "repair"
    )
    extra = (
        {"complaint": {"category": "cleaning", "reason": "service_quality"}}
        if kind == "complaint"
        else {}
    )
    first = services.ticket_register(
        project=household.project,
        kind=kind,
        matter="漏水",
        household=household,
        by=desk_user,
        **extra,
    )
    assert first.serial.endswith("-000001")


def test_household_of_another_project_is_refused(household, other_household, desk_user):
    """A household of another project is refused on the household field, with no number used."""
    with pytest.raises(ApplicationError) as refused:
        register(household=other_household, project=household.project, by=desk_user)
    assert "household" in refused.value.fields
    assert register(household=household, by=desk_user).serial == "WX-2026-000001"


def test_staff_of_another_project_cannot_register_there(household, other_desk_user):
    """Registering in a project one does not work in is refused."""
    with pytest.raises(ApplicationError) as refused:
        register(household=household, by=other_desk_user)
    assert "project" in refused.value.fields


def test_serials_count_per_kind_and_restart_each_year(household, desk_user):
    """Each kind has its own counter, and a new year starts again from 1."""
    complaint = {"category": "cleaning", "reason": "service_quality"}
    with time_machine.travel(at(25, 9), tick=False):
        assert register(household=household, by=desk_user).serial == "WX-2026-000001"
        assert (
            register(household=household, by=desk_user, kind="greening").serial == "LH-2026-000001"
        )
        assert register(household=household, by=desk_user).serial == "WX-2026-000002"
        assert (
            register(
                household=household, by=desk_user, kind="complaint", complaint=complaint
            ).serial
            == "TS-2026-000001"
        )
    with time_machine.travel(dt.datetime(2027, 1, 1, 0, 5, tzinfo=SH), tick=False):
        assert register(household=household, by=desk_user).serial == "WX-2027-000001"
        assert (
            register(household=household, by=desk_user, kind="housekeeping").serial
            == "JZ-2027-000001"
        )
        assert (
            register(household=household, by=desk_user, kind="convenience").serial
            == "BM-2027-000001"
        )


# --- Complaints -------------------------------------------------------------------------------


def test_complaint_walks_through_its_process(household, desk_user, butler, supervisor):
    """A complaint is investigated the same day, handed to the building's butler (reply due in 4
    hours), answered within three days, signed off, called back, confirmed and marked valid."""
    with time_machine.travel(at(25, 9), tick=False):
        ticket = register(
            household=household,
            by=desk_user,
            kind="complaint",
            matter="楼道垃圾未清理",
            complaint={
                "category": "cleaning",
                "reason": "service_quality",
                "temper": "angry",
                "resident_wants": "今天清理",
            },
        )
        assert ticket.serial == "TS-2026-000001" and ticket.department == ""
        assert ticket.complaint.answer_due_at == at(28, 9)
        services.complaint_investigate(ticket=ticket, by=desk_user, findings="核实属实")
        services.ticket_dispatch(ticket=ticket, by=desk_user)
    detail = ComplaintDetail.objects.get(ticket=ticket)
    # Four working hours from 9:00: 8:30-12:00, then 13:30-14:30.
    assert (ticket.assignee, detail.butler, detail.butler_reply_due_at) == (
        butler,
        butler,
        at(25, 14, 30),
    )
    with time_machine.travel(at(25, 11), tick=False):
        services.complaint_butler_reply(ticket=ticket, by=butler, reply="已安排下午清理")
        services.complaint_refer(
            ticket=ticket, by=butler, referred_to="head_of_customer_service", note="住户要求赔偿"
        )
        with pytest.raises(PermissionDenied):
            services.complaint_decide(ticket=ticket, by=butler, decision="x")
        services.complaint_decide(
            ticket=ticket, by=supervisor, decision="上门致歉", close_tracking=True
        )
        services.complaint_answer(ticket=ticket, by=desk_user, answer="已清理并致歉")
        services.complaint_sign_off(ticket=ticket, by=butler)
        services.ticket_callback(ticket=ticket, by=desk_user, satisfaction="satisfied")
        services.complaint_confirm(ticket=ticket, by=desk_user)
        with pytest.raises(ApplicationError) as refused:
            services.complaint_mark_valid(ticket=ticket, by=supervisor, valid=True)
        assert "cause" in refused.value.fields
        services.complaint_mark_valid(
            ticket=ticket,
            by=supervisor,
            valid=True,
            cause="排班漏洞",
            lesson="请假须安排替班",
            change="排班表每周复核",
        )
    ticket.refresh_from_db()
    detail.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert {d.kind: d.state for d in deadlines_of(ticket)} == {
        "commitment.general": "cancelled",
        "complaint.investigation": "met",
        "complaint.butler_reply": "met",
        "complaint.answer": "met",
        "order.callback": "met",
    }
    assert (detail.findings, detail.butler_reply, detail.answer, detail.decision) == (
        "核实属实",
        "已安排下午清理",
        "已清理并致歉",
        "上门致歉",
    )
    assert detail.close_tracking and detail.valid and detail.resident_confirmed_at == at(25, 11)
    assert actions(ticket) == [
        "register",
        "investigate",
        "dispatch",
        "butler_reply",
        "refer",
        "decide",
        "answer",
        "sign_off",
        "callback",
        "confirm",
        "mark_valid",
    ]


def test_complaint_steps_are_refused_out_of_order(household, desk_user, butler, engineer):
    """A complaint is not accepted or completed like a repair, nor answered before the butler
    replies; repairs have no butler's reply."""
    ticket = register(
        household=household,
        by=desk_user,
        kind="complaint",
        complaint={"category": "attitude", "reason": "service_attitude"},
    )
    with pytest.raises(ApplicationError):
        services.complaint_butler_reply(ticket=ticket, by=butler, reply="x")
    services.ticket_dispatch(ticket=ticket, by=desk_user)
    for step in (services.ticket_accept, services.ticket_complete):
        with pytest.raises(ApplicationError):
            step(ticket=ticket, by=engineer)
    with pytest.raises(ApplicationError):
        services.complaint_answer(ticket=ticket, by=desk_user, answer="x")
    repair = register(household=household, by=desk_user)
    with pytest.raises(ApplicationError) as refused:
        services.complaint_butler_reply(ticket=repair, by=butler, reply="x")
    assert str(TRANSITIONS["butler_reply"].label) in str(refused.value)
    assert str(TicketKind.REPAIR.label) in str(refused.value)


def test_complaint_without_a_butler_names_one_before_dispatch(
    building, desk_user, engineer, butler
):
    """A complaint about a place whose building has no butler needs a named butler."""
    building.butler = None
    building.save()
    ticket = services.ticket_register(
        project=building.project,
        kind="complaint",
        matter="绿化带有垃圾",
        by=desk_user,
        building=building,
        place="grounds",
        reporter_name="李女士",
        complaint={"category": "greening", "reason": "service_quality"},
    )
    with pytest.raises(ApplicationError) as refused:
        services.ticket_dispatch(ticket=ticket, by=desk_user)
    assert "assignee" in refused.value.fields
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=butler)
    assert ticket.complaint.butler == butler


def test_slipped_promise_is_recorded_with_reason_and_remedy(household, desk_user):
    """A promise that cannot be kept is recorded with why, the remedy and when it was told."""
    ticket = register(
        household=household,
        by=desk_user,
        kind="complaint",
        complaint={"category": "mail", "reason": "service_quality"},
    )
    slip = services.ticket_promise_slip(
        ticket=ticket, by=desk_user, reason="快递公司未回复", remedy="明天上午再答复"
    )
    assert (slip.ticket, slip.remedy) == (ticket, "明天上午再答复")
    assert actions(ticket)[-1] == "promise_slip"


# --- Housekeeping, greening and convenience ---------------------------------------


def test_new_housekeeping_customer_is_priced_on_site_and_the_time_confirmed(
    household, desk_user, butler, cleaner
):
    """A new customer's housekeeping is dispatched only once the time is confirmed and the
    butler and area lead priced it on site; it then goes the usual way to its callback."""
    ticket = register(household=household, by=desk_user, kind="housekeeping", matter="全屋保洁")
    assert ticket.paid and ticket.department == "cleaning"
    with pytest.raises(ApplicationError) as refused:
        services.ticket_dispatch(ticket=ticket, by=desk_user)
    assert "appointment_at" in refused.value.fields
    services.ticket_confirm_time(ticket=ticket, by=desk_user, appointment_at=at(27, 9))
    with pytest.raises(ApplicationError) as refused:
        services.ticket_dispatch(ticket=ticket, by=desk_user)
    assert "fee_quote" in refused.value.fields or "price" in refused.value.fields
    services.ticket_price(ticket=ticket, by=butler, lead=cleaner, price="380")
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=cleaner)
    services.ticket_accept(ticket=ticket, by=cleaner)
    services.ticket_complete(ticket=ticket, by=cleaner, fee_charged="380")
    services.ticket_return(ticket=ticket, by=desk_user, late_reason="晚")
    services.ticket_callback(ticket=ticket, by=desk_user, satisfaction="satisfied")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.fee_quote, ticket.priced_by, ticket.priced_with) == (
        "visited",
        Decimal("380.00"),
        butler,
        cleaner,
    )


def test_hourly_cleaning_is_not_priced_on_site(household, desk_user, butler, cleaner):
    """Hourly cleaning refuses on-site pricing: its fee is quoted and acknowledged instead."""
    ticket = register(
        household=household,
        by=desk_user,
        kind="housekeeping",
        is_hourly=True,
        fee_quote="50",
        time_confirmed=True,
    )
    with pytest.raises(ApplicationError) as refused:
        services.ticket_price(ticket=ticket, by=butler, lead=cleaner, price="50")
    assert "price" in refused.value.fields
    services.ticket_quote_acknowledge(ticket=ticket, by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=cleaner)
    assert ticket.status == TicketStatus.DISPATCHED


def test_convenience_service_follows_the_paid_order_flow(household, desk_user):
    """Drinking-water delivery is a paid order: dispatched once its fee is acknowledged."""
    ticket = register(
        household=household,
        by=desk_user,
        kind="convenience",
        matter="送水2桶",
        fee_quote="36",
        time_confirmed=True,
    )
    assert (ticket.serial, ticket.paid, ticket.department) == (
        "BM-2026-000001",
        True,
        "customer_service",
    )
    with pytest.raises(ApplicationError):
        services.ticket_dispatch(ticket=ticket, by=desk_user)
    services.ticket_quote_acknowledge(ticket=ticket, by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user)
    assert ticket.status == TicketStatus.DISPATCHED


def test_free_order_has_no_fee_to_acknowledge(household, desk_user):
    """Acknowledging a fee on a free order is refused."""
    ticket = register(household=household, by=desk_user)
    with pytest.raises(ApplicationError) as refused:
        services.ticket_quote_acknowledge(ticket=ticket, by=desk_user, fee_quote="10")
    assert "fee_quote" in refused.value.fields


def test_monthly_contract_schedule_and_its_visits(household, desk_user, gardener):
    """A monthly contract lists its due visits; the desk opens each one's order once, on a due
    day, and the monthly register shows them."""
    contract = services.contract_create(
        household=household,
        kind="greening",
        service="庭院修剪",
        by=desk_user,
        schedule_type="monthdays",
        schedule_days=[15, 31],
        price="300",
        starts_on=dt.date(2026, 11, 1),
    )
    assert contract.due_dates(2026, 11) == [dt.date(2026, 11, 15), dt.date(2026, 11, 30)]
    weekly = services.contract_create(
        household=household,
        kind="housekeeping",
        service="每周保洁",
        by=desk_user,
        schedule_type="weekdays",
        schedule_days=[2],
        price="800",
        starts_on=dt.date(2026, 11, 10),
        ends_on=dt.date(2026, 11, 30),
    )
    assert weekly.due_dates(2026, 11) == [
        dt.date(2026, 11, 10),
        dt.date(2026, 11, 17),
        dt.date(2026, 11, 24),
    ]
    with pytest.raises(ApplicationError) as refused:
        services.contract_open_visit(
            contract=contract, date=dt.date(2026, 11, 16), appointment_at=at(16, 9), by=desk_user
        )
    assert "date" in refused.value.fields
    ticket = services.contract_open_visit(
        contract=contract, date=dt.date(2026, 11, 30), appointment_at=at(30, 9), by=desk_user
    )
    assert (ticket.kind, ticket.paid, ticket.serial) == ("greening", False, "LH-2026-000001")
    assert ticket.confirmed_time_at is not None
    with pytest.raises(ApplicationError):
        services.contract_open_visit(
            contract=contract, date=dt.date(2026, 11, 30), appointment_at=at(30, 9), by=desk_user
        )
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=gardener)
    from tickets.selectors import contract_register

    rows = contract_register(contract=contract, year=2026, month=11)
    assert [(r["date"].day, r["ticket"] and r["ticket"].serial) for r in rows] == [
        (15, None),
        (30, "LH-2026-000001"),
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "repair"}, "kind"),
        ({"schedule_days": [0, 3]}, "schedule_days"),
        ({"schedule_type": "weekdays", "schedule_days": [8]}, "schedule_days"),
        ({"price": "-1"}, "price"),
        ({"ends_on": dt.date(2026, 10, 1)}, "ends_on"),
    ],
)
def test_bad_contract_is_refused_on_its_field(household, desk_user, changes, field):
    """A contract with a wrong kind, days, price or dates is refused on that field."""
    arguments = {
        "household": household,
        "kind": "greening",
        "service": "修剪",
        "by": desk_user,
        "schedule_type": "monthdays",
        "schedule_days": [1],
        "price": "300",
        "starts_on": dt.date(2026, 11, 1),
        **changes,
    }
    with pytest.raises(ApplicationError) as refused:
        services.contract_create(**arguments)
    assert field in refused.value.fields


# --- Liaison forms ---------------------------------------------------------------------


def test_liaison_forms_are_numbered_answered_and_closed(household, desk_user, engineer):
    """Liaison forms are numbered per project and year; one is answered, then closed."""
    ticket = register(household=household, by=desk_user)
    first = services.liaison_create(
        project=household.project,
        from_department="customer_service",
        to_department="engineering",
        matter="协调开发商",
        by=desk_user,
        ticket=ticket,
    )
    second = services.liaison_create(
        project=household.project,
        from_department="customer_service",
        to_department="security",
        matter="夜间巡逻",
        by=desk_user,
    )
    assert (first.number[-4:], second.number[-4:]) == ("0001", "0002")
    with pytest.raises(ApplicationError):
        services.liaison_close(form=first, by=desk_user)
    services.liaison_answer(form=first, by=engineer, reply="已联系")
    with pytest.raises(ApplicationError):
        services.liaison_answer(form=first, by=engineer, reply="again")
    services.liaison_close(form=first, by=desk_user)
    assert (first.status, first.reply) == ("closed", "已联系")
    assert actions(ticket)[-1] == "liaison"
    with pytest.raises(ApplicationError) as refused:
        services.liaison_create(
            project=household.project,
            from_department="engineering",
            to_department="engineering",
            matter="x",
            by=desk_user,
        )
    assert "to_department" in refused.value.fields


def test_resident_rating_is_kept_once_beside_the_callback(household, desk_user, engineer):
    """The resident rates a finished order once from their link; an unfinished one is refused."""
    ticket = register(household=household, by=desk_user)
    with pytest.raises(ApplicationError):
        services.resident_rate(ticket=ticket, satisfaction="satisfied")
    ticket = _returned(household, desk_user, engineer)
    rating = services.resident_rate(
        ticket=ticket, satisfaction="basically_satisfied", comment="还行"
    )
    assert (rating.ticket, rating.satisfaction) == (ticket, "basically_satisfied")
    with pytest.raises(ApplicationError):
        services.resident_rate(ticket=ticket, satisfaction="satisfied")


def test_printing_is_counted_on_the_order(household, desk_user):
    """Each printing adds one to the order's count, and the reprint is on the timeline."""
    ticket = register(household=household, by=desk_user)
    assert services.ticket_record_print(ticket=ticket, by=desk_user) == 1
    assert services.ticket_record_print(ticket=ticket, by=desk_user) == 2
    assert actions(ticket).count("print") == 2


# --- Who is told -----------------------------------------------------------------------------


def test_dispatch_tells_the_worker_and_the_buildings_butler(household, desk_user, engineer, butler):
    """A dispatched repair reaches its worker and the building's butler; a follow-up call
    reaches the worker again."""
    ticket = register(household=household, by=desk_user, matter="厨房漏水")
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    services.ticket_follow_up(ticket=ticket, by=desk_user, note="住户再次来电")
    told = sorted(Notification.objects.values_list("user__username", "topic"))
    assert told == [
        ("butler1", "ticket.dispatched"),
        ("engineer1", "ticket.dispatched"),
        ("engineer1", "ticket.follow_up"),
    ]
    notice = Notification.objects.get(user=engineer, topic="ticket.dispatched")
    assert ticket.serial in notice.title and notice.url.endswith(f"/{ticket.pk}/")


def test_emergency_is_delivered_at_once_and_a_referral_reaches_the_manager(
    building, desk_user, butler, manager, supervisor
):
    """An emergency reaches the butler at any hour; a complaint referred to the service-center
    manager reaches the manager, not the supervisor."""
    night = dt.datetime(2026, 11, 28, 23, 0, tzinfo=SH)  # a Saturday night
    with time_machine.travel(night, tick=False):
        ticket = services.ticket_register(
            project=building.project,
            kind="complaint",
            matter="电梯困人无人响应",
            by=desk_user,
            building=building,
            place="lift",
            reporter_name="李女士",
            priority="emergency",
            complaint={"category": "security", "reason": "emergency", "temper": "angry"},
        )
        services.ticket_dispatch(ticket=ticket, by=desk_user)
        services.complaint_refer(
            ticket=ticket, by=butler, referred_to="service_center_manager", note="需经理出面"
        )
    to_butler = Notification.objects.get(user=butler)
    assert (to_butler.deliver_at, to_butler.is_emergency) == (night, True)
    assert list(
        Notification.objects.filter(topic="complaint.referred").values_list(
            "user__username", flat=True
        )
    ) == ["manager1"]


@pytest.mark.parametrize("year", [1, 1999, 3000, 9999])
def test_moments_far_outside_the_desks_years_are_field_errors(household, desk_user, year):
    """An appointment in the year 1 or 9999 is refused on its field, and nothing is saved."""
    far = dt.datetime(year, 12, 31, 23, 59)
    with pytest.raises(ApplicationError) as refused:
        register(household=household, by=desk_user, appointment_at=far)
    assert list(refused.value.fields) == ["appointment_at"]
    ticket = register(household=household, by=desk_user)
    with pytest.raises(ApplicationError) as refused:
        services.ticket_confirm_time(ticket=ticket, by=desk_user, appointment_at=far)
    assert list(refused.value.fields) == ["appointment_at"]
    assert Ticket.objects.count() == 1
