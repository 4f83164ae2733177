"""The quick commitment (快速响应): how registration weighs a matter, the commitment deadline
it opens, and the desk's "commit" step on the page and in the API."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from frontdesk.core.deadlines import deadline_sweep, deadlines_of
from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Deadline, DeadlineState
from tickets import services
from tickets.choices import Priority, TicketStatus, Weight
from tickets.models import TicketEvent, TicketSettings
from tickets.services import classify

from .factories import register
from .test_api import client_for, ok, post
from .test_views import act, errors, login

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SH)


def minute(n: int) -> dt.datetime:
    return START + dt.timedelta(minutes=n)


def commitment(ticket) -> Deadline:
    return deadlines_of(ticket).get(kind__startswith="commitment.")


def lift_order(project, by, matter="电梯异响"):
    return register(project=project, by=by, place="lift", reporter_name="保安老李", matter=matter)


# --- Classification (a pure function) ----------------------------------------------------


WORDS = {"emergency_words": ["困人", "停电"], "major_words": ["外墙"], "major_places": ["lift"]}


def test_classify_weighs_priority_words_and_places():
    """Emergency by choice or by word (raising the priority), major by urgency, place or
    word, general otherwise."""
    assert classify(matter="水龙头滴水", priority="normal", **WORDS).weight == Weight.GENERAL
    chosen = classify(matter="水龙头滴水", priority="emergency", **WORDS)
    assert (chosen.weight, chosen.priority, chosen.word) == ("emergency", "emergency", "")
    trapped = classify(matter="3号楼电梯困人", priority="normal", place="lift", **WORDS)
    assert (trapped.weight, trapped.priority, trapped.word) == ("emergency", "emergency", "困人")
    assert classify(matter="门禁坏了", priority="urgent", **WORDS).weight == Weight.MAJOR
    lift = classify(matter="电梯异响", priority="normal", place="lift", **WORDS)
    assert (lift.weight, lift.priority, lift.place) == ("major", "normal", "lift")
    assert classify(matter="外墙渗水", priority="normal", **WORDS).word == "外墙"
    assert classify(matter="大堂灯不亮", priority="normal", place="lobby", **WORDS).weight == (
        Weight.GENERAL
    )


def test_classify_ignores_case_of_latin_words():
    """A word written in capitals still matches (the desk types fast)."""
    found = classify(matter="UPS alarm in the lobby", priority="normal", emergency_words=["ups"])
    assert found.weight == Weight.EMERGENCY


def test_settings_split_their_word_lists():
    """Words are one a line, or separated by commas of either script or 、."""
    settings = TicketSettings(emergency_words="困人\n 爆管 ,跑水，停电、漏电\n\n", major_words="")
    assert settings.emergency_word_list == ["困人", "爆管", "跑水", "停电", "漏电"]
    assert settings.major_word_list == []
    assert TicketSettings().major_places == ["lift"]


# --- Registration opens the commitment ------------------------------------------------------


def test_general_order_is_overdue_at_minute_31_without_a_commitment(household, desk_user):
    """A general matter owes its commitment within 30 minutes: at minute 31 it is overdue."""
    with time_machine.travel(START, tick=False):
        ticket = register(household=household, by=desk_user)
    owed = commitment(ticket)
    assert (owed.kind, owed.due_at, owed.responsible) == (
        "commitment.general",
        minute(30),
        desk_user,
    )
    deadline_sweep(now=minute(29))
    owed.refresh_from_db()
    assert owed.marked_overdue_at is None
    deadline_sweep(now=minute(31))
    owed.refresh_from_db()
    assert owed.state == DeadlineState.OPEN and owed.marked_overdue_at == minute(31)


def test_commitment_at_minute_20_keeps_the_promise(household, desk_user, engineer):
    """Committed at minute 20, the general order is not overdue at minute 31, and the order
    shows what was committed, by when and by whom."""
    with time_machine.travel(START, tick=False):
        ticket = register(household=household, by=desk_user)
    with time_machine.travel(minute(20), tick=False):
        services.ticket_commit(
            ticket=ticket,
            by=desk_user,
            what="更换水龙头阀芯",
            by_when=minute(180),
            by_whom_user=engineer,
        )
    deadline_sweep(now=minute(31))
    owed = commitment(ticket)
    assert (owed.state, owed.met_at, owed.marked_overdue_at) == ("met", minute(20), None)
    event = TicketEvent.objects.get(ticket=ticket, action="commit")
    assert event.data["commitment"] == {
        "what": "更换水龙头阀芯",
        "by_when": minute(180).isoformat(),
        "by_whom": engineer.get_full_name() or engineer.username,
        "by_whom_user": engineer.pk,
    }
    assert (event.from_status, event.to_status) == ("registered", "registered")


def test_lift_order_is_a_major_matter_with_six_hours(project, desk_user):
    """An order about the lift is major by default: its commitment is due in 6 hours."""
    with time_machine.travel(START, tick=False):
        ticket = lift_order(project, desk_user)
    owed = commitment(ticket)
    assert (owed.kind, owed.due_at, owed.is_emergency) == ("commitment.major", minute(360), False)
    assert ticket.priority == Priority.NORMAL


def test_urgent_order_is_a_major_matter(household, desk_user):
    """An order registered as urgent owes its commitment within 6 hours."""
    with time_machine.travel(START, tick=False):
        ticket = register(household=household, by=desk_user, priority="urgent")
    assert commitment(ticket).kind == "commitment.major"


def test_people_trapped_in_a_lift_is_an_emergency_and_raises_priority(project, desk_user):
    """ "电梯困人" is an emergency: the priority rises to emergency (on the timeline, with the
    word) and the commitment is due in 15 minutes, notified at any hour."""
    with time_machine.travel(START, tick=False):
        ticket = lift_order(project, desk_user, matter="电梯困人")
    ticket.refresh_from_db()
    assert ticket.priority == Priority.EMERGENCY
    owed = commitment(ticket)
    assert (owed.kind, owed.due_at, owed.is_emergency) == ("commitment.emergency", minute(15), True)
    raised = TicketEvent.objects.get(ticket=ticket, action="emergency")
    assert raised.data == {"from": "normal", "to": "emergency", "word": "困人"}
    assert raised.action_label


def test_project_words_change_the_classification(project, other_project, desk_user):
    """Each project says what is major or an emergency: its own words and places count, the
    defaults no longer do."""
    TicketSettings.objects.create(
        project=project,
        emergency_words="水浸",
        major_words="外墙\n屋面",
        major_places=["car_park"],
    )
    with time_machine.travel(START, tick=False):
        trapped = lift_order(project, desk_user, matter="电梯困人")
        flooded = lift_order(project, desk_user, matter="地库水浸")
        wall = register(
            project=project, by=desk_user, place="grounds", reporter_name="巡逻", matter="外墙脱落"
        )
        garage = register(
            project=project, by=desk_user, place="car_park", reporter_name="巡逻", matter="灯坏"
        )
    assert commitment(trapped).kind == "commitment.general"
    assert trapped.priority == Priority.NORMAL
    assert (commitment(flooded).kind, flooded.priority) == ("commitment.emergency", "emergency")
    assert commitment(wall).kind == "commitment.major"
    assert commitment(garage).kind == "commitment.major"


def test_dispatch_to_a_worker_at_an_appointment_is_the_commitment(household, desk_user, engineer):
    """Dispatching to a named worker with an agreed time meets the commitment; a dispatch to
    the department alone does not."""
    with time_machine.travel(START, tick=False):
        named = register(household=household, by=desk_user, appointment_at=minute(120))
        unnamed = register(household=household, by=desk_user, appointment_at=minute(120))
        services.ticket_dispatch(ticket=named, by=desk_user, assignee=engineer)
        services.ticket_dispatch(ticket=unnamed, by=desk_user)
    assert commitment(named).state == DeadlineState.MET
    assert commitment(unnamed).state == DeadlineState.OPEN
    given = TicketEvent.objects.get(ticket=named, action="dispatch").data["commitment"]
    assert (given["by_when"], given["by_whom_user"]) == (minute(120).isoformat(), engineer.pk)


# --- The commit step's refusals --------------------------------------------------------------


def test_commit_refuses_a_past_time_and_a_voided_order(household, desk_user):
    """A time already past is refused on its field, a voided order refused outright; neither
    changes the order or its deadline."""
    with time_machine.travel(START, tick=False):
        ticket = register(household=household, by=desk_user)
        other = register(household=household, by=desk_user)
        services.ticket_void(ticket=other, by=desk_user, reason="重复登记")
    with time_machine.travel(minute(10), tick=False):
        with pytest.raises(ApplicationError) as past:
            services.ticket_commit(
                ticket=ticket, by=desk_user, what="换阀芯", by_when=minute(5), by_whom="老张"
            )
        assert set(past.value.fields) == {"by_when"}
        with pytest.raises(ApplicationError) as nobody:
            services.ticket_commit(ticket=ticket, by=desk_user, what="换阀芯", by_when=minute(60))
        assert set(nobody.value.fields) == {"by_whom"}
        with pytest.raises(ApplicationError) as voided:
            services.ticket_commit(
                ticket=other, by=desk_user, what="换阀芯", by_when=minute(60), by_whom="老张"
            )
        assert "non_field_errors" in voided.value.fields
    assert commitment(ticket).state == DeadlineState.OPEN
    assert not TicketEvent.objects.filter(action="commit").exists()
    other.refresh_from_db()
    assert other.status == TicketStatus.VOIDED


# --- The API ------------------------------------------------------------------------------------


def test_api_commit_answers_with_the_commitment(household, desk_user, engineer):
    """POST /commit/ records the commitment; the order then shows it and its met deadline."""
    with time_machine.travel(START, tick=False):
        ticket = register(household=household, by=desk_user)
    desk = client_for(desk_user)
    with time_machine.travel(minute(5), tick=False):
        assert "commit" in ok(desk.get(f"/api/v1/tickets/{ticket.pk}/"))["actions"]
        body = ok(
            post(
                desk,
                ticket.pk,
                "commit",
                what="今天下午更换阀芯",
                by_when=minute(300).isoformat(),
                by_whom_user=engineer.pk,
            )
        )
    assert body["commitment"]["what"] == "今天下午更换阀芯"
    assert body["commitment"]["by_whom_user"] == engineer.pk
    assert body["commitment"]["given_by"]["id"] == desk_user.pk
    met = [d for d in body["deadlines"] if d["kind"] == "commitment.general"]
    assert met[0]["state"] == "met" and met[0]["overdue"] is False
    listed = ok(desk.get("/api/v1/tickets/"))["results"][0]
    assert listed["commitment"]["what"] == "今天下午更换阀芯"


def test_api_commit_refusals_are_400_on_their_fields(household, desk_user):
    """A past time is a 400 on by_when, a missing what on what, a voided order a 400 without
    a field; the order keeps no commitment."""
    with time_machine.travel(START, tick=False):
        ticket = register(household=household, by=desk_user)
        voided = register(household=household, by=desk_user)
        services.ticket_void(ticket=voided, by=desk_user, reason="重复登记")
    desk = client_for(desk_user)
    with time_machine.travel(minute(10), tick=False):
        past = post(desk, ticket.pk, "commit", what="换阀芯", by_when=minute(1).isoformat())
        assert past.status_code == 400 and "by_when" in past.json()
        blank = post(desk, ticket.pk, "commit", by_when=minute(60).isoformat(), by_whom="老张")
        assert blank.status_code == 400 and "what" in blank.json()
        refused = post(
            desk, voided.pk, "commit", what="换阀芯", by_when=minute(60).isoformat(), by_whom="老张"
        )
        assert refused.status_code == 400 and "non_field_errors" in refused.json()
        assert ok(desk.get(f"/api/v1/tickets/{ticket.pk}/"))["commitment"] is None
    assert commitment(ticket).state == DeadlineState.OPEN


# --- The order page ------------------------------------------------------------------------------


def test_order_page_shows_the_commitment_owed_then_given(client, household, desk_user, engineer):
    """The page shows when the commitment is due (flagged once overdue), offers the form, and
    once committed shows what, by when and by whom."""
    login(client, desk_user)
    with time_machine.travel(START, tick=False):
        ticket = register(household=household, by=desk_user)
    url = reverse("tickets:detail", kwargs={"pk": ticket.pk})
    with time_machine.travel(minute(40), tick=False):
        page = client.get(url)
        assert page.context["commitment"] is None
        assert page.context["commitment_late"] is True
        assert 'id="action-commit"' in page.content.decode()
        response = act(
            client,
            ticket,
            "commit",
            what="明早九点更换阀芯",
            by_when=minute(24 * 60).strftime("%Y-%m-%dT%H:%M"),
            by_whom="工程部老张",
        )
    assert not errors(response)
    given = response.context["commitment"]
    assert (given["what"], given["by_whom"]) == ("明早九点更换阀芯", "工程部老张")
    assert "明早九点更换阀芯" in response.content.decode()
    assert response.context["commitment_owed"] is None


def test_order_page_refusal_of_a_past_time_is_a_message(client, household, desk_user):
    """A past time on the page comes back as an error and records nothing."""
    login(client, desk_user)
    with time_machine.travel(START, tick=False):
        ticket = register(household=household, by=desk_user)
    with time_machine.travel(minute(10), tick=False):
        response = act(
            client,
            ticket,
            "commit",
            what="换阀芯",
            by_when=minute(-60).strftime("%Y-%m-%dT%H:%M"),
            by_whom="老张",
        )
    assert errors(response)
    assert response.context["commitment"] is None
    assert commitment(ticket).state == DeadlineState.OPEN


def test_commitments_cost_no_query_on_the_page_or_in_the_api(
    client, household, desk_user, engineer, django_assert_max_num_queries, django_assert_num_queries
):
    """The order page and the API detail cost the same queries with no commitment or several
    (the commitment is read from the prefetched timeline)."""
    login(client, desk_user)
    ticket = register(household=household, by=desk_user)
    url = reverse("tickets:detail", kwargs={"pk": ticket.pk})
    api = client_for(desk_user)
    client.get(url)
    with django_assert_max_num_queries(40) as page_before:
        client.get(url)
    with django_assert_num_queries(12):
        ok(api.get(f"/api/v1/tickets/{ticket.pk}/"))
    later = dt.datetime.now(tz=SH) + dt.timedelta(days=1)
    for name in ("老张", "老李", "老王"):
        services.ticket_commit(
            ticket=ticket, by=desk_user, what="换阀芯", by_when=later, by_whom=name
        )
    with django_assert_num_queries(len(page_before.captured_queries)):
        page = client.get(url)
    assert page.context["commitment"]["by_whom"] == "老王"
    fresh = client_for(desk_user)
    with django_assert_num_queries(12):
        body = ok(fresh.get(f"/api/v1/tickets/{ticket.pk}/"))
    assert body["commitment"]["by_whom"] == "老王"


def test_admin_form_ticks_major_places_and_refuses_unknown_ones(project):
    """The settings form stores the ticked places as a list and refuses a place not offered."""
    from tickets.admin import TicketSettingsForm

    data = {
        "project": project.pk,
        "resident_link_days": 30,
        "major_places": ["lift", "car_park"],
        "emergency_words": "困人\n水浸",
        "major_words": "",
    }
    form = TicketSettingsForm(data=data)
    assert form.is_valid(), form.errors
    saved = form.save()
    assert saved.major_places == ["lift", "car_park"]
    assert saved.emergency_word_list == ["困人", "水浸"]
    refused = TicketSettingsForm(data={**data, "major_places": ["roof"]}, instance=saved)
    assert not refused.is_valid() and "major_places" in refused.errors


def test_trapped_in_a_lift_registered_as_normal_jumps_the_queue(client, desk_user, building):
    """Registered on the page as a normal matter, "电梯困人" becomes an emergency: the queue
    lists it among the emergencies and its page shows the 15-minute commitment owed."""
    login(client, desk_user)
    with time_machine.travel(START, tick=False):
        client.post(
            reverse("tickets:new") + "?kind=repair",
            {
                "kind": "repair",
                "project": building.project_id,
                "place": "lift",
                "building": building.pk,
                "reporter_name": "保安李",
                "matter": "3栋电梯困人",
                "source": "phone",
                "priority": "normal",
            },
        )
        queue = client.get(reverse("tickets:queue"))
        ticket = queue.context["emergencies"][0]
        assert ticket.matter == "3栋电梯困人" and ticket.priority == "emergency"
        page = client.get(reverse("tickets:detail", kwargs={"pk": ticket.pk}))
    assert page.context["commitment_owed"].due_at == minute(15)
    assert page.context["commitment_weight"] == Weight.EMERGENCY.label


def test_api_registration_answers_with_the_raised_priority_and_the_commitment_owed(
    household, desk_user
):
    """POST /tickets/ with "楼上爆管" answers with priority emergency, the raise on the
    timeline and the open 15-minute commitment among the deadlines."""
    with time_machine.travel(START, tick=False):
        body = ok(
            client_for(desk_user).post(
                "/api/v1/tickets/",
                {"kind": "repair", "household": household.pk, "matter": "楼上爆管"},
                format="json",
            ),
            201,
        )
    assert body["priority"] == "emergency" and body["commitment"] is None
    assert [e["action"] for e in body["timeline"]] == ["register", "emergency"]
    owed = [d for d in body["deadlines"] if d["kind"].startswith("commitment.")]
    assert [(d["kind"], d["state"]) for d in owed] == [("commitment.emergency", "open")]
    assert dt.datetime.fromisoformat(owed[0]["due_at"]) == minute(15)


# --- Escalation of an emergency --------------------------------------------------------------


def test_emergency_escalates_after_hours_and_says_who_is_told(
    project, desk_user, supervisor, manager
):
    """An emergency's commitment breached at 19:15 reaches the supervisor at 19:20 and the
    manager at 19:25 the same evening; each notice names who it told and who comes next."""
    from frontdesk.core.models import Notification

    evening = dt.datetime(2026, 11, 25, 19, 0, tzinfo=SH)
    with time_machine.travel(evening, tick=False):
        ticket = lift_order(project, desk_user, matter="2号电梯困人")
    assert commitment(ticket).kind == "commitment.emergency"

    def delivered(user, at):
        return list(
            Notification.objects.filter(user=user, deliver_at__lte=at, url__contains=ticket.pk)
        )

    deadline_sweep(now=evening + dt.timedelta(minutes=16))
    [breach] = delivered(desk_user, evening + dt.timedelta(minutes=16))
    assert desk_user.get_full_name() in breach.body
    assert "客服主管 11-25 19:20" in breach.body and "服务中心经理 11-25 19:25" in breach.body
    assert delivered(supervisor, evening + dt.timedelta(minutes=19)) == []

    deadline_sweep(now=evening + dt.timedelta(minutes=21))
    [told] = delivered(supervisor, evening + dt.timedelta(minutes=21))
    assert supervisor.get_full_name() in told.body and "服务中心经理 11-25 19:25" in told.body
    deadline_sweep(now=evening + dt.timedelta(minutes=26))
    assert len(delivered(manager, evening + dt.timedelta(minutes=26))) == 1


def test_general_breach_after_hours_says_when_the_chain_hears(household, desk_user, supervisor):
    """A general matter breached in the evening tells the desk, and says the supervisor
    hears of it in working time the next morning, not now."""
    from frontdesk.core.models import Notification

    evening = dt.datetime(2026, 11, 25, 19, 0, tzinfo=SH)
    with time_machine.travel(evening, tick=False):
        ticket = register(household=household, by=desk_user)
    deadline_sweep(now=evening + dt.timedelta(minutes=31))
    breach = Notification.objects.get(user=desk_user, url__contains=ticket.pk)
    assert breach.deliver_at == dt.datetime(2026, 11, 26, 8, 30, tzinfo=SH)
    assert "客服主管 11-26 08:30" in breach.body
