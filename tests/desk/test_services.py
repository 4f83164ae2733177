"""The desk's records through their services: the duty log, shifts and handovers, reviews."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django.utils.translation import gettext

from frontdesk.core.deadlines import deadline_sweep, deadlines_of
from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import DeadlineState, Notification
from frontdesk.core.open_items import OpenItem, register_open_items, unregister_open_items
from frontdesk.desk import services
from frontdesk.desk.models import DutyLogEntry, DutyLogFollowUp, Handover, Review
from tickets.models import PromiseSlip, Ticket
from tickets.services import ticket_register

from .conftest import entry_data

pytestmark = pytest.mark.django_db


# --- Duty log ----------------------------------------------------------------------------


def test_a_matter_answered_on_the_spot_owes_nothing(record):
    """An entry answered on the spot is answered at once and opens no deadline."""
    entry = record(answered_on_spot=True)
    assert entry.status == "answered"
    assert entry.answered_at is not None
    assert not deadlines_of(entry).exists()


def test_an_unanswered_matter_is_owed_an_answer_within_three_days(record, desk_user):
    """A matter not answered on the spot opens the `matter.answer` deadline, due in 3 days."""
    entry = record()
    deadline = deadlines_of(entry).get()
    assert deadline.kind == "matter.answer"
    assert deadline.state == DeadlineState.OPEN
    assert deadline.due_at == entry.at + dt.timedelta(days=3)
    assert deadline.responsible == desk_user


def test_the_sweep_breaks_an_unanswered_promise_after_three_days(record, desk_user):
    """The real sweep marks the answer overdue after three days and tells the clerk, once."""
    entry = record()
    with time_machine.travel(entry.at + dt.timedelta(days=2, hours=23), tick=False):
        deadline_sweep()
    assert not Notification.objects.filter(user=desk_user, topic="deadline.overdue").exists()
    with time_machine.travel(entry.at + dt.timedelta(days=3, minutes=1), tick=False):
        deadline_sweep()
        deadline_sweep()
    deadline = deadlines_of(entry).get()
    assert deadline.marked_overdue_at is not None
    overdue = Notification.objects.filter(user=desk_user, topic="deadline.overdue")
    assert overdue.count() == 1
    assert entry.matter in overdue.get().title


def test_answering_meets_the_deadline(record, desk_user):
    """Recording the answer closes the entry's deadline; the sweep leaves it alone."""
    entry = record()
    services.entry_answer(entry=entry, by=desk_user, note="已电话告知缴费时间")
    entry.refresh_from_db()
    assert entry.status == "answered"
    assert deadlines_of(entry).get().state == DeadlineState.MET
    with time_machine.travel(entry.at + dt.timedelta(days=4), tick=False):
        deadline_sweep()
    assert not Notification.objects.filter(topic="deadline.overdue").exists()


def test_a_promised_time_sets_the_due_time(record, desk_user):
    """A promise 'by tomorrow 10:00' makes that the answer's due time."""
    due = timezone.now() + dt.timedelta(days=1)
    entry = record(promise="明天上午回复维修时间", promise_due_at=due, promise_by=desk_user)
    assert deadlines_of(entry).get().due_at == due


def test_a_promise_in_the_past_is_refused(project, desk_user, household):
    """A promise due in the past is refused with a field message, and nothing is written."""
    with pytest.raises(ApplicationError) as refused:
        services.entry_record(
            project=project,
            by=desk_user,
            data=entry_data(
                household,
                promise="回复",
                promise_due_at=timezone.now() - dt.timedelta(hours=1),
            ),
        )
    assert "promise_due_at" in refused.value.fields
    assert not DutyLogEntry.objects.exists()


def test_a_household_of_another_project_is_refused(project, desk_user, other_household):
    """An entry for a household of another project is refused; nothing is written."""
    with pytest.raises(ApplicationError) as refused:
        services.entry_record(project=project, by=desk_user, data=entry_data(other_household))
    assert "household" in refused.value.fields
    assert not DutyLogEntry.objects.exists()


def test_a_public_place_needs_no_household(project, desk_user):
    """A call about the lobby is recorded with the place and no household."""
    entry = services.entry_record(
        project=project, by=desk_user, data=entry_data(None, place="lobby", kind="suggestion")
    )
    assert entry.place == "lobby" and entry.household is None


def test_a_correction_is_a_new_entry_and_the_old_one_is_kept(record, desk_user, household):
    """Correcting makes a new entry pointing at the old; the old stays, marked corrected."""
    wrong = record(kind="consultation")
    correction = services.entry_correct(
        entry=wrong,
        by=desk_user,
        reason="记错了类别",
        data=entry_data(household, kind="complaint", matter="投诉楼上噪音"),
    )
    wrong.refresh_from_db()
    assert wrong.status == "corrected"
    assert wrong.matter == "问物业费缴费时间"
    assert correction.corrects == wrong
    assert correction.at == wrong.at
    assert deadlines_of(wrong).get().state == DeadlineState.CANCELLED
    assert deadlines_of(correction).get().state == DeadlineState.OPEN
    with pytest.raises(ApplicationError):
        services.entry_correct(
            entry=wrong, by=desk_user, reason="again", data=entry_data(household)
        )


def test_an_order_opens_from_an_entry_in_one_step(record, desk_user, household):
    """'Open an order' registers it prefilled from the entry and links them both ways."""
    entry = record(matter="厨房水管漏水", kind="request")
    ticket = services.entry_open_order(entry=entry, by=desk_user, kind="repair")
    entry.refresh_from_db()
    assert entry.ticket == ticket
    assert ticket.household == household
    assert ticket.matter == "厨房水管漏水"
    assert ticket.source == "phone"
    assert ticket.duty_log_entry == entry
    with pytest.raises(ApplicationError):
        services.entry_open_order(entry=entry, by=desk_user, kind="repair")
    assert Ticket.objects.count() == 1


def test_a_slipped_promise_asks_for_the_explanation_first(record, desk_user):
    """Past its due time an answer is refused until what the resident was told is recorded;
    the order opened from the entry records the same slipped promise."""
    entry = record(matter="电梯异响")
    services.entry_open_order(entry=entry, by=desk_user, kind="repair")
    with time_machine.travel(entry.at + dt.timedelta(days=3, hours=1), tick=False):
        with pytest.raises(ApplicationError) as refused:
            services.entry_answer(entry=entry, by=desk_user, note="已修好")
        assert "note" in refused.value.fields
        services.entry_promise_slip(
            entry=entry, by=desk_user, reason="配件未到", told="已向业主致歉，配件周五到"
        )
        services.entry_answer(entry=entry, by=desk_user, note="已修好")
    entry.refresh_from_db()
    assert entry.status == "answered"
    assert list(entry.follow_ups.values_list("kind", flat=True)) == ["slip", "answer"]
    assert PromiseSlip.objects.get(ticket=entry.ticket).reason == "配件未到"


def test_an_emergency_is_announced_to_the_manager_at_once(record, manager):
    """An emergency entry reaches the manager at once, as an emergency."""
    entry = record(kind="emergency", matter="3栋电梯困人")
    notice = Notification.objects.get(user=manager, topic="desk.emergency")
    assert notice.is_emergency
    assert str(entry.pk) in notice.url


# --- Shifts and handover -----------------------------------------------------------------


def test_closing_a_shift_gathers_what_is_still_open(
    record, desk_user, incoming, shifts, project, household
):
    """The handover lists the answers owed, the orders to dispatch (gathered by tickets),
    overdue deadlines and emergencies, with the clerk's notes; the next clerk is told."""
    morning, afternoon = shifts
    pending = record(matter="询问停车位")
    record(matter="已答复的咨询", answered_on_spot=True)
    order = ticket_register(
        project=project, kind="repair", matter="卫生间漏水", by=desk_user, household=household
    )
    handover = services.shift_close(shift=morning, by=desk_user, notes="钥匙在抽屉")
    sections = {s["key"]: s for s in handover.items}
    assert len(sections["desk.pending_promises"]["items"]) == 1
    assert pending.matter in sections["desk.pending_promises"]["items"][0]["text"]
    assert order.serial in sections["tickets.to_dispatch"]["items"][0]["text"]
    assert sections["core.overdue_deadlines"]["items"] == []
    assert handover.next_shift == afternoon
    assert handover.notes == "钥匙在抽屉"
    assert Notification.objects.filter(user=incoming, topic="desk.handover").exists()
    morning.refresh_from_db()
    assert morning.status == "closed"


def test_a_new_kind_of_open_item_joins_the_handover_without_touching_it(shifts, desk_user, project):
    """A gatherer registered from elsewhere appears in the next handover, frozen there."""
    morning, _afternoon = shifts

    def keys_out(p, now):
        return [OpenItem("空置房 5-0301 钥匙借出未还", "/keys/1/", now)] if p == project else []

    register_open_items("registers.keys_out", "Keys out", keys_out)
    try:
        handover = services.shift_close(shift=morning, by=desk_user)
    finally:
        unregister_open_items("registers.keys_out")
    keys = next(s for s in handover.items if s["key"] == "registers.keys_out")
    assert keys["title"] == "Keys out"
    assert keys["items"][0]["text"] == "空置房 5-0301 钥匙借出未还"
    handover.refresh_from_db()
    assert any(s["key"] == "registers.keys_out" for s in handover.items)


def test_the_incoming_clerk_records_nothing_before_acknowledging(
    shifts, desk_user, incoming, project, household
):
    """Until the handover is acknowledged the incoming clerk's entries are refused."""
    morning, _afternoon = shifts
    handover = services.shift_close(shift=morning, by=desk_user)
    with pytest.raises(ApplicationError) as refused:
        services.entry_record(project=project, by=incoming, data=entry_data(household))
    assert str(refused.value) == gettext(
        "Read and acknowledge the handover of the previous shift before recording "
        "anything on the desk."
    )
    assert not DutyLogEntry.objects.exists()
    services.handover_acknowledge(handover=handover, by=incoming)
    entry = services.entry_record(project=project, by=incoming, data=entry_data(household))
    assert entry.taken_by == incoming


def test_only_the_next_clerk_acknowledges_and_only_once(shifts, desk_user, incoming, supervisor):
    """Acknowledging by someone not on the next shift, or twice, is refused; the first stands."""
    morning, _afternoon = shifts
    handover = services.shift_close(shift=morning, by=desk_user)
    with pytest.raises(ApplicationError):
        services.handover_acknowledge(handover=handover, by=supervisor)
    services.handover_acknowledge(handover=handover, by=incoming)
    with pytest.raises(ApplicationError) as twice:
        services.handover_acknowledge(handover=handover, by=incoming)
    assert str(twice.value) == gettext("This handover has already been acknowledged.")
    handover.refresh_from_db()
    assert handover.status == "acknowledged"
    assert handover.acknowledged_by == incoming


def test_a_shift_is_closed_once_and_by_its_clerk(shifts, desk_user, incoming):
    """Another clerk cannot close someone's shift; a closed shift cannot be closed again."""
    morning, _afternoon = shifts
    with pytest.raises(ApplicationError):
        services.shift_close(shift=morning, by=incoming)
    services.shift_close(shift=morning, by=desk_user)
    with pytest.raises(ApplicationError):
        services.shift_close(shift=morning, by=desk_user)
    assert Handover.objects.count() == 1


# --- Reviews -----------------------------------------------------------------------------


def test_signing_freezes_the_days_figures(record, supervisor, project, desk_user):
    """A signed daily check keeps the figures of signing time; later entries do not change it."""
    record(kind="complaint")
    today = timezone.localdate()
    review = services.review_open(project=project, kind="daily", day=today, by=supervisor)
    services.review_sign(review=review, by=supervisor, comment="记录完整")
    record(kind="praise")
    review.refresh_from_db()
    assert review.status == "signed"
    assert review.figures["entries"] == 1
    assert review.figures["entries_by_kind"]["complaint"] == 1
    assert review.comment == "记录完整"


def test_a_review_is_signed_once_and_only_by_a_reviewer(project, supervisor, desk_user):
    """Signing twice, or by the desk's clerk, is refused; the first signature stands."""
    review = services.review_open(
        project=project, kind="weekly", day=dt.date(2026, 12, 2), by=supervisor
    )
    assert (review.starts_on, review.ends_on) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    with pytest.raises(ApplicationError):
        services.review_sign(review=review, by=desk_user, comment="看过")
    services.review_sign(review=review, by=supervisor, comment="本周投诉跟进及时")
    with pytest.raises(ApplicationError):
        services.review_sign(review=review, by=supervisor, comment="再签")
    review.refresh_from_db()
    assert review.comment == "本周投诉跟进及时"
    assert Review.objects.count() == 1
    assert DutyLogFollowUp.objects.count() == 0


def test_a_department_review_counts_its_orders_and_is_signed_by_its_head(
    project, desk_user, engineer, household, supervisor
):
    """Engineering's review of yesterday counts only engineering's orders; the cleaning
    department may not sign it; its head signs once."""
    from frontdesk.core.roles import Role
    from tests.factories import UserFactory

    ticket_register(
        project=project, kind="repair", matter="换灯泡", by=desk_user, household=household
    )
    ticket_register(
        project=project,
        kind="housekeeping",
        matter="开荒保洁",
        by=desk_user,
        household=household,
    )
    today = timezone.localdate()
    review = services.review_open(
        project=project, kind="department", department="engineering", day=today, by=engineer
    )
    cleaner = UserFactory(role=Role.CLEANING, projects=[project])
    with pytest.raises(ApplicationError):
        services.review_sign(review=review, by=cleaner, comment="看过")
    services.review_sign(review=review, by=engineer, comment="维修单均已返单")
    review.refresh_from_db()
    assert review.figures["orders"] == 1
    assert review.figures["orders_by_kind"]["repair"] == 1
    with pytest.raises(ApplicationError):
        services.review_open(project=project, kind="department", day=today, by=engineer)


def test_only_the_manager_records_a_spot_check(project, supervisor, manager):
    """A spot check is the manager's: a supervisor's signature is refused."""
    review = services.review_open(
        project=project, kind="spot", day=timezone.localdate(), by=manager
    )
    with pytest.raises(ApplicationError):
        services.review_sign(review=review, by=supervisor, comment="抽查")
    services.review_sign(review=review, by=manager, comment="抽查值班记录，发现两条未写承诺人")
    review.refresh_from_db()
    assert review.status == "signed" and review.signed_by == manager


def test_a_day_left_unsigned_is_announced_next_morning_once(project, supervisor, other_project):
    """The morning task tells the supervisor of each unsigned day once; a signed day is quiet."""
    from frontdesk.desk.tasks import announce_unsigned_days

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert announce_unsigned_days() == 1
    assert announce_unsigned_days() == 0
    notice = Notification.objects.get(user=supervisor, topic="desk.unsigned_day")
    assert yesterday.isoformat() in notice.url
    Notification.objects.all().delete()
    review = services.review_open(project=project, kind="daily", day=yesterday, by=supervisor)
    services.review_sign(review=review, by=supervisor, comment="补签")
    assert announce_unsigned_days() == 0


def test_the_supervisor_comments_on_any_entry_and_the_clerk_cannot(
    record, supervisor, desk_user, client, project
):
    """The supervisor's comment is kept on the entry and shown in the week's review; a clerk's
    comment is refused."""
    from django.urls import reverse

    entry = record()
    with pytest.raises(ApplicationError):
        services.entry_comment(entry=entry, by=desk_user, note="自评")
    services.entry_comment(entry=entry, by=supervisor, note="承诺人未填写，下次注意")
    client.force_login(supervisor)
    week = client.get(
        reverse("desk:review-weekly", args=[project.pk, timezone.localdate().isoformat()])
    )
    assert "承诺人未填写" in week.content.decode()


def test_the_handover_shows_due_times_in_local_time(shifts, desk_user, project, household):
    """An order's due time in the handover reads in the desk's time zone, as on every page."""
    morning, _afternoon = shifts
    order = ticket_register(
        project=project, kind="repair", matter="门锁损坏", by=desk_user, household=household
    )
    handover = services.shift_close(shift=morning, by=desk_user)
    item = next(s for s in handover.items if s["key"] == "tickets.to_dispatch")["items"][0]
    assert item["due"] == f"{timezone.localtime(order.due_at):%Y-%m-%d %H:%M}"


def test_the_weekly_review_prints_the_weeks_log_with_comments_and_the_signature(
    record, supervisor, client, project, django_assert_max_num_queries
):
    """The week's review prints as a PDF on form R02—WKF07 with the supervisor's comment on
    an entry, blank signature lines while unsigned, and the 签阅意见 once signed."""
    import io

    from django.urls import reverse
    from pypdf import PdfReader

    entry = record()
    services.entry_comment(entry=entry, by=supervisor, note="承诺人未填写")
    url = reverse("desk:review-weekly", args=[project.pk, timezone.localdate().isoformat()])
    client.force_login(supervisor)

    def printed() -> str:
        response = client.get(url + "?format=pdf")
        assert response["Content-Type"] == "application/pdf"
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)

    with django_assert_max_num_queries(25):
        text = printed()
    assert "R02" in text and "承诺人未填写" in text and "________" in text
    review = services.review_open(
        project=project, kind="weekly", day=timezone.localdate(), by=supervisor
    )
    services.review_sign(review=review, by=supervisor, comment="本周处理及时，已阅")
    text = printed()
    assert "本周处理及时" in text and "________" not in text


def test_department_head_reviews_and_signs_the_days_orders_once(
    client, engineer, desk_user, household, project, django_assert_max_num_queries
):
    """The engineering head's next-morning page lists the department's orders of the day
    with whether their copy came back, signs it once, and the clerk is offered no signing."""
    from django.urls import reverse

    from frontdesk.desk.models import Review

    order = ticket_register(
        project=project, kind="repair", matter="厨房水管漏水", by=desk_user, household=household
    )
    ticket_register(
        project=project, kind="housekeeping", matter="楼道清扫", by=desk_user, household=household
    )
    day = timezone.localdate().isoformat()
    url = reverse("desk:review-department", args=[project.pk, "engineering", day])
    client.force_login(engineer)
    with django_assert_max_num_queries(25):
        page = client.get(url)
    assert [t.pk for t in page.context["orders"]] == [order.pk] and page.context["can_sign"]
    # The figures are the department's own: the cleaners' order is not counted.
    assert page.context["figures"]["orders"] == 1
    assert client.post(url, {"comment": "已核对，返单齐全"}).status_code == 302
    review = Review.objects.get(kind="department", department="engineering")
    assert review.status == "signed" and review.signed_by == engineer
    again = client.post(url, {"comment": "再签"})
    assert (
        again.status_code == 200 and Review.objects.get(pk=review.pk).comment == "已核对，返单齐全"
    )
    client.force_login(desk_user)
    assert not client.get(url).context["can_sign"]
    unknown = reverse("desk:review-department", args=[project.pk, "kitchen", day])
    assert client.get(unknown).status_code == 404


def test_spot_checks_are_signed_by_the_manager_only(client, supervisor, manager, project):
    """The manager records a spot check of the desk with a finding; a supervisor may read the
    page but is not offered signing and a POST of theirs signs nothing."""
    from django.urls import reverse

    from frontdesk.desk.models import Review

    url = reverse("desk:review-spot", args=[project.pk, timezone.localdate().isoformat()])
    client.force_login(supervisor)
    assert not client.get(url).context["can_sign"]
    client.post(url, {"comment": "抽查"})
    assert not Review.objects.filter(kind="spot", status="signed").exists()
    client.force_login(manager)
    assert client.get(url).context["can_sign"]
    assert client.post(url, {"comment": "前台接待规范，登记完整"}).status_code == 302
    assert Review.objects.get(kind="spot").signed_by == manager
