"""A clerk of several projects chooses the project on every register's form: nothing is
preselected for them; a clerk of one project gets theirs."""

import re

import pytest
from django.urls import reverse

from frontdesk.core.roles import Role
from tests.factories import UserFactory

PAGES = [
    "registers:parcels-receive",
    "registers:visitors-today",
    "registers:custody",
    "registers:documents",
    "registers:temporary-passes",
    "registers:loan-lend",
]


def project_select(html):
    return re.search(
        r'<select name="(?:[a-z]+-)?project"[^>]*>(.*?)</select>', html, flags=re.S
    ).group(1)


@pytest.mark.parametrize("name", PAGES)
def test_no_project_is_preselected_for_a_clerk_of_several(client, project, other_project, name):
    """The project list opens on "choose the project" for a clerk of two projects."""
    clerk = UserFactory(role=Role.DESK, projects=[project, other_project], username="two")
    client.force_login(clerk)
    options = project_select(client.get(reverse(name)).content.decode())
    assert re.search(r'<option value="" selected>', options)
    assert f'value="{project.pk}" selected' not in options
    assert f'value="{other_project.pk}" selected' not in options


@pytest.mark.parametrize("name", PAGES)
def test_a_clerk_of_one_project_has_it_chosen(client, desk_user, project, name):
    """With one project there is nothing to choose: it is the list's only option."""
    client.force_login(desk_user)
    options = project_select(client.get(reverse(name)).content.decode())
    assert re.findall(r'<option value="([^"]*)"', options) == [str(project.pk)]
