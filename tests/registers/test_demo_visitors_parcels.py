"""The demo loads visitors, messages and mail in each demo project."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from frontdesk.core.models import Project
from frontdesk.registers.models import Parcel, Visitor, VisitorMessage

pytestmark = pytest.mark.django_db

LOADED = dt.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_demo_has_visitors_messages_and_mail_in_every_project(settings):
    """Each demo project has today's and past visitors, messages, and mail in every state."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(LOADED, tick=False):
        call_command("seed_demo", "--if-empty", stdout=StringIO())
    for project in Project.objects.all():
        visitors = Visitor.objects.filter(project=project)
        assert {"expected", "arrived", "left"} <= set(visitors.values_list("status", flat=True))
        assert VisitorMessage.objects.filter(project=project, status="collected").exists()
        states = set(Parcel.objects.filter(project=project).values_list("status", flat=True))
        assert states == {"waiting", "collected", "returned"}
