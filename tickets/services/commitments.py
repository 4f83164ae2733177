"""The quick commitment (快速响应): how heavy a matter is, and the commitment given for it.

Every order owes the resident a commitment — what will be done, by when, by
whom — within the project's deadline for its weight: a general matter (30
minutes by default), a major one (6 hours) or an emergency (15 minutes).
Registration classifies the order and opens that deadline; the desk's
"commit" step, or a dispatch to a named worker at an agreed time, meets it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError

from ..choices import COMMITMENT_KIND, Priority, Weight
from ..models import Ticket, TicketSettings
from .common import _aware, _drop_promises, _kept, _member, _promise, _required_text, _transition

# --- Classification -----------------------------------------------------------------


@dataclass(frozen=True)
class Classification:
    """What registration decides: the matter's weight, the priority the order gets, and
    the configured word or place that decided it (empty when none did)."""

    weight: str
    priority: str
    word: str = ""
    place: str = ""


def _found(matter: str, words: Iterable[str]) -> str:
    text = matter.casefold()
    return next((w for w in words if w and w.casefold() in text), "")


def classify(
    *,
    matter: str,
    priority: str,
    place: str = "",
    emergency_words: Iterable[str] = (),
    major_words: Iterable[str] = (),
    major_places: Iterable[str] = (),
) -> Classification:
    """The weight of a matter. An emergency is chosen as the priority or recognised by one
    of the project's words in the matter (which raises the priority to emergency); a major
    matter is urgent, about one of the project's major public places, or carries one of its
    major words; anything else is general."""
    if priority == Priority.EMERGENCY:
        return Classification(Weight.EMERGENCY, priority)
    word = _found(matter, emergency_words)
    if word:
        return Classification(Weight.EMERGENCY, Priority.EMERGENCY, word=word)
    if priority == Priority.URGENT:
        return Classification(Weight.MAJOR, priority)
    if place and place in set(major_places):
        return Classification(Weight.MAJOR, priority, place=place)
    word = _found(matter, major_words)
    if word:
        return Classification(Weight.MAJOR, priority, word=word)
    return Classification(Weight.GENERAL, priority)


def classify_for_project(
    *, project_id: int, matter: str, priority: str, place: str = ""
) -> Classification:
    """`classify` with the project's settings (or the defaults when it has none)."""
    settings = TicketSettings.for_project(project_id)
    return classify(
        matter=matter,
        priority=priority,
        place=place,
        emergency_words=settings.emergency_word_list,
        major_words=settings.major_word_list,
        major_places=settings.major_places or (),
    )


def commitment_open(
    ticket: Ticket, weight: str, *, start: dt.datetime, by: Any, terms: Any = None
) -> Any:
    """Open the commitment owed for an order of `weight`, the desk's to give.

    Call inside the registration's transaction, after the order is saved (`terms`: those
    read before its serial was taken).
    """
    return _promise(ticket, COMMITMENT_KIND[weight], start=start, responsible=by, terms=terms)


def commitment_kept(ticket: Ticket, by: Any) -> None:
    """Meet whichever commitment the order owes. Call inside the step's transaction."""
    for kind in COMMITMENT_KIND.values():
        _kept(ticket, kind, by)


def commitment_dropped(ticket: Ticket, reason: str) -> None:
    """Stop watching a commitment no longer owed: the work is under way or done (a breach
    already marked stays on record). Call inside the step's transaction."""
    _drop_promises(ticket, reason, kinds=tuple(COMMITMENT_KIND.values()))


# --- The commitment given ---------------------------------------------------------------


def commitment_data(
    *, what: str, by_when: dt.datetime, by_whom: str, by_whom_user: Any = None
) -> dict[str, Any]:
    """The commitment as the timeline keeps it (an event's `data["commitment"]`)."""
    return {
        "what": what,
        "by_when": timezone.localtime(by_when).isoformat(),
        "by_whom": by_whom,
        "by_whom_user": getattr(by_whom_user, "pk", None),
    }


@transaction.atomic
def ticket_commit(
    *,
    ticket: Ticket,
    by: Any,
    what: str,
    by_when: Any,
    by_whom: str = "",
    by_whom_user: Any = None,
    note: str = "",
) -> Ticket:
    """Record the commitment given to the resident: what will be done, by when and by whom
    (a name, or a staff member of the project). Meets the order's commitment deadline."""

    def apply(t: Ticket) -> dict[str, Any]:
        text = _required_text(what, "what", max_length=200)
        when = _aware(by_when, "by_when")
        if when is None:
            raise ApplicationError(fields={"by_when": [_("This field is required.")]})
        if when <= timezone.now():
            raise ApplicationError(fields={"by_when": [_("The time committed must be ahead.")]})
        _member(by_whom_user, t.project_id, "by_whom_user")
        who = (by_whom or "").strip()
        if not who and by_whom_user is not None:
            who = by_whom_user.get_full_name() or by_whom_user.get_username()
        if not who:
            raise ApplicationError(fields={"by_whom": [_("Say who will do it.")]})
        if len(who) > 100:
            raise ApplicationError(
                fields={"by_whom": [_("At most %(n)d characters.") % {"n": 100}]}
            )
        return {
            "commitment": commitment_data(
                what=text, by_when=when, by_whom=who, by_whom_user=by_whom_user
            )
        }

    return _transition(
        ticket=ticket,
        action="commit",
        by=by,
        note=note,
        apply=apply,
        after=lambda t: commitment_kept(t, by),
    )
