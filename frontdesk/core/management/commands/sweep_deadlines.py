"""`manage.py sweep_deadlines`: run the deadline sweep now, or show what it would do.

    manage.py sweep_deadlines                       # act now, as beat does every minute
    manage.py sweep_deadlines --dry-run             # list what a sweep now would do
    manage.py sweep_deadlines --dry-run --at "2026-12-02 09:00" [--project jinxiu]

A dry run acts on nothing and notifies nobody: use it to check a changed
deadline rule, or to see what a catch-up after downtime is about to send.
`--at` is read in the desk's time zone and is allowed with `--dry-run` only:
a real sweep always acts as of now, so that no notice is ever dated in the
future or the past.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from frontdesk.core.deadlines import deadline_sweep, deadline_sweep_plan, kind_label
from frontdesk.core.models import Project
from frontdesk.core.notifications import notification_send_due


def _moment(text: str) -> dt.datetime:
    try:
        moment = parse_datetime(text.replace("T", " "))
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(_("--at takes a date and time such as 2026-12-02 09:00."))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Run the deadline sweep now, or list what it would do (--dry-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the stages due; act on nothing."
        )
        parser.add_argument("--at", help="With --dry-run: the moment to sweep as of.")
        parser.add_argument("--project", help="With --dry-run: one project's code.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["dry_run"]:
            if options["at"] or options["project"]:
                raise CommandError(_("--at and --project need --dry-run."))
            now = timezone.now()
            result = deadline_sweep(now=now)
            sent = notification_send_due(now=now)
            self.stdout.write(
                _(
                    "Swept: %(deadlines)d deadlines, %(events)d stages acted on, "
                    "%(notifications)d notifications, %(emails)d e-mails sent."
                )
                % {
                    "deadlines": result.deadlines,
                    "events": result.events,
                    "notifications": result.notifications,
                    "emails": sent,
                }
            )
            return
        now = _moment(options["at"]) if options["at"] else timezone.now()
        project = None
        if options["project"]:
            project = Project.objects.filter(code=options["project"]).first()
            if project is None:
                raise CommandError(
                    _("No project with code %(code)s.") % {"code": options["project"]}
                )
        planned = deadline_sweep_plan(now=now, project=project)
        local = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(
            _("Dry run as of %(at)s: %(count)d stages would be acted on.")
            % {"at": local, "count": len(planned)}
        )
        for item in planned:
            deadline, stage = item.deadline, item.stage
            self.stdout.write(
                "\t".join(
                    [
                        timezone.localtime(stage.at).strftime("%Y-%m-%d %H:%M"),
                        deadline.project.code,
                        str(stage.code),
                        str(kind_label(deadline.kind)),
                        deadline.subject_label,
                        stage.role or "",
                    ]
                )
            )
