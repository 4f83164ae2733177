"""The complaint's own steps (受理投诉流程): investigation, the butler's reply, the answer,
sign-off, the resident's confirmation, referral and the supervisor's verdict."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError
from frontdesk.core.roles import Role

from ..choices import (
    ReferredTo,
)
from ..models import (
    Ticket,
)
from .commitments import commitment_dropped
from .common import (
    TOPIC_REFERRED,
    _choice,
    _drop_promises,
    _kept,
    _promise,
    _required_text,
    _tell_role,
    _transition,
)

# --- Complaints -----------------------------------------------------------------------


@transaction.atomic
def complaint_investigate(*, ticket: Ticket, findings: str, by: Any) -> Ticket:
    """The same-day investigation and verification (当天调查、核实)."""

    def apply(t: Ticket) -> None:
        detail = t.complaint
        detail.findings = _required_text(findings, "findings")
        detail.investigated_at = timezone.now()
        detail.save(update_fields=["findings", "investigated_at"])

    return _transition(
        ticket=ticket,
        action="investigate",
        by=by,
        note=findings or "",
        apply=apply,
        after=lambda t: _kept(t, "complaint.investigation", by),
    )


@transaction.atomic
def complaint_butler_reply(*, ticket: Ticket, reply: str, by: Any) -> Ticket:
    """The butler's reply to the desk (due within the project's hours of the hand-over)."""

    def apply(t: Ticket) -> dict[str, Any]:
        detail = t.complaint
        detail.butler_reply = _required_text(reply, "reply")
        now = timezone.now()
        detail.butler_replied_at = now
        detail.save(update_fields=["butler_reply", "butler_replied_at"])
        if t.accepted_at is None:
            t.accepted_at = now
        late = detail.butler_reply_due_at is not None and now > detail.butler_reply_due_at
        return {"late": late}

    return _transition(
        ticket=ticket,
        action="butler_reply",
        by=by,
        note=reply or "",
        apply=apply,
        after=lambda t: _kept(t, "complaint.butler_reply", by),
    )


@transaction.atomic
def complaint_answer(*, ticket: Ticket, answer: str, by: Any) -> Ticket:
    """The answer given to the resident."""

    def apply(t: Ticket) -> dict[str, Any]:
        detail = t.complaint
        detail.answer = _required_text(answer, "answer")
        now = timezone.now()
        detail.answered_at = now
        detail.save(update_fields=["answer", "answered_at"])
        t.done_at = now
        return {"late": detail.answer_due_at is not None and now > detail.answer_due_at}

    return _transition(
        ticket=ticket,
        action="answer",
        by=by,
        note=answer or "",
        apply=apply,
        after=lambda t: _answered(t, by),
    )


def _answered(ticket: Ticket, by: Any) -> None:
    _kept(ticket, "complaint.answer", by)
    commitment_dropped(ticket, _("The resident has the answer."))


@transaction.atomic
def complaint_sign_off(*, ticket: Ticket, by: Any, note: str = "") -> Ticket:
    """The butler signs the register: the complaint is handled and back with the desk."""

    def apply(t: Ticket) -> None:
        now = timezone.now()
        t.complaint.butler_signed_off_at = now
        t.complaint.save(update_fields=["butler_signed_off_at"])
        t.returned_at = now

    return _transition(
        ticket=ticket,
        action="sign_off",
        by=by,
        note=note,
        apply=apply,
        after=lambda t: _promise(t, "order.callback", role=Role.DESK),
    )


@transaction.atomic
def complaint_confirm(*, ticket: Ticket, by: Any, note: str = "") -> Ticket:
    """The resident confirms the matter closed (闭环)."""

    def apply(t: Ticket) -> None:
        now = timezone.now()
        t.complaint.resident_confirmed_at = now
        t.complaint.save(update_fields=["resident_confirmed_at"])
        t.closed_at = now

    return _transition(
        ticket=ticket,
        action="confirm",
        by=by,
        note=note,
        apply=apply,
        after=lambda t: _drop_promises(t, _("The resident confirmed the matter closed.")),
    )


@transaction.atomic
def complaint_refer(*, ticket: Ticket, referred_to: str, note: str, by: Any) -> Ticket:
    """Refer a hard case (报请) to the head of customer service or the service-center manager."""

    def apply(t: Ticket) -> dict[str, Any]:
        to = _choice(referred_to, ReferredTo, "referred_to")
        detail = t.complaint
        detail.referred_to = to
        detail.referred_at = timezone.now()
        detail.referral_note = _required_text(note, "note")
        detail.save(update_fields=["referred_to", "referred_at", "referral_note"])
        return {"referred_to": to}

    def after(t: Ticket) -> None:
        # The head of customer service is a supervisor; the manager is the manager.
        role = (
            Role.MANAGER
            if t.complaint.referred_to == ReferredTo.SERVICE_CENTER_MANAGER
            else Role.SUPERVISOR
        )
        _tell_role(
            t,
            role,
            TOPIC_REFERRED,
            _("Complaint %(serial)s referred to you: %(matter)s")
            % {"serial": t.serial, "matter": t.matter},
            t.complaint.referral_note,
        )

    return _transition(
        ticket=ticket, action="refer", by=by, note=note or "", apply=apply, after=after
    )


@transaction.atomic
def complaint_decide(
    *, ticket: Ticket, decision: str, by: Any, close_tracking: bool = False
) -> Ticket:
    """The decision on a referred complaint, and whether it is under close tracking (重点跟踪)."""

    def apply(t: Ticket) -> dict[str, Any]:
        detail = t.complaint
        if not detail.referred_to:
            raise ApplicationError(
                fields={"decision": [_("This complaint has not been referred.")]}
            )
        detail.decision = _required_text(decision, "decision")
        detail.decided_at = timezone.now()
        detail.decided_by = by
        detail.close_tracking = bool(close_tracking)
        detail.save(update_fields=["decision", "decided_at", "decided_by", "close_tracking"])
        return {"close_tracking": bool(close_tracking)}

    return _transition(ticket=ticket, action="decide", by=by, note=decision or "", apply=apply)


@transaction.atomic
def complaint_mark_valid(
    *, ticket: Ticket, valid: bool, by: Any, cause: str = "", lesson: str = "", change: str = ""
) -> Ticket:
    """The supervisor marks the complaint valid or not and records cause, lesson and change."""

    def apply(t: Ticket) -> dict[str, Any]:
        if not isinstance(valid, bool):
            raise ApplicationError(fields={"valid": [_("Say whether the complaint is valid.")]})
        detail = t.complaint
        if valid and not (cause or "").strip():
            raise ApplicationError(fields={"cause": [_("A valid complaint needs its cause.")]})
        detail.valid = valid
        detail.cause = (cause or "").strip()
        detail.lesson = (lesson or "").strip()
        detail.change = (change or "").strip()
        detail.marked_at = timezone.now()
        detail.marked_by = by
        detail.save(update_fields=["valid", "cause", "lesson", "change", "marked_at", "marked_by"])
        return {"valid": valid}

    return _transition(ticket=ticket, action="mark_valid", by=by, note=cause or "", apply=apply)
