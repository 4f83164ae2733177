"""Polite scripts (礼貌用语) the desk reads from beside the registration form.

One script per situation: answering the phone, receiving a walk-in, a
consultation, a repair, a complaint (with a line for each temper), and the
promise of an answer within three days for anything that cannot be answered
on the spot. `scripts_for` picks the ones that fit the call being registered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import Source, Temper, TicketKind


@dataclass(frozen=True)
class Script:
    key: str
    title: Promise
    lines: tuple[Promise, ...]


PHONE = Script(
    "phone",
    _("Greeting on the phone"),
    (
        _(
            "Good morning (afternoon), service center, this is %(name)s speaking. "
            "How may I help you?"
        ),
        _("Pick up by the second ring; if it rang longer: sorry to keep you waiting."),
        _("Before hanging up: is there anything else I can do for you? Thank you for calling."),
    ),
)
RECEPTION = Script(
    "reception",
    _("Receiving a visitor"),
    (
        _("Stand up and greet: hello, welcome to the service center. Please take a seat."),
        _("May I ask your building and unit number?"),
        _("When they leave: thank you for coming, goodbye."),
    ),
)
CONSULTATION = Script(
    "consultation",
    _("Consultation"),
    (
        _("Thank you for asking. Let me check that for you."),
        _("If you are not sure: I will find out and call you back by a time you agree."),
    ),
)
REPAIR = Script(
    "repair",
    _("Repair"),
    (
        _("Could you describe what is broken and where in the home?"),
        _("Let me confirm the address: is it %(address)s?"),
        _("When would suit you for the worker to come?"),
        _(
            "This is a paid repair: the fee is %(fee)s. "
            "Do you agree to it before we send the worker?"
        ),
        _(
            "The engineering department will contact you; "
            "the worker will show the work order on arrival."
        ),
    ),
)
HOUSEKEEPING = Script(
    "service",
    _("Housekeeping and greening"),
    (
        _("What would you like done, and when would suit you?"),
        _("For a first visit our butler and the team lead will price the job with you on site."),
        _("Let me confirm the time with you: %(time)s, is that right?"),
    ),
)
COMPLAINT = Script(
    "complaint",
    _("Complaint"),
    (
        _("I am sorry for the trouble. Please tell me what happened; I am writing it down."),
        _("May I repeat it to make sure I have understood you correctly?"),
        _("What would you like us to do about it?"),
        _("Your butler will look into it today and we will give you an answer within three days."),
    ),
)
TEMPER_LINES: dict[str, Promise] = {
    Temper.RATIONAL: _("Calm resident: thank them for the suggestion and explain the next steps."),
    Temper.DISAPPOINTED: _(
        "Disappointed resident: acknowledge the disappointment, apologise, "
        "and name who will follow up."
    ),
    Temper.ANGRY: _(
        "Angry resident: listen without interrupting, speak softly, do not argue; "
        "offer to meet in the reception room."
    ),
}
THREE_DAYS = Script(
    "three_days",
    _("When it cannot be answered on the spot"),
    (
        _("I cannot give you a definite answer right now. We will reply within three days."),
        _("If we cannot keep that promise, we will call you to explain why and what we will do."),
    ),
)

ALL_SCRIPTS: tuple[Script, ...] = (
    PHONE,
    RECEPTION,
    CONSULTATION,
    REPAIR,
    HOUSEKEEPING,
    COMPLAINT,
    THREE_DAYS,
)


def scripts_for(*, kind: str | None, source: str | None) -> list[Script]:
    """The scripts for a call of `source` about an order of `kind`, most urgent first."""
    found = [RECEPTION if source == Source.WALK_IN else PHONE]
    if kind == TicketKind.COMPLAINT:
        found += [COMPLAINT, THREE_DAYS]
    elif kind in (TicketKind.HOUSEKEEPING, TicketKind.GREENING):
        found.append(HOUSEKEEPING)
    elif kind == TicketKind.CONVENIENCE:
        found += [CONSULTATION, THREE_DAYS]
    else:
        found.append(REPAIR)
    return found


def script_lines(script: Script, **values: str) -> list[str]:
    """The script's lines with the caller's name, the address, the fee and the time filled in.

    A value not known yet shows as "XXX", as the printed scripts write it.
    """
    filled = {key: values.get(key) or "XXX" for key in ("name", "address", "fee", "time")}
    return [str(line) % filled for line in script.lines]
