"""Every project's data stays in its project, through every endpoint and page that names a row.

The demo's two estates are loaded; a supervisor of 翠湖名苑 (cuihu) only then
asks, through every API route and page with an id in its address, for rows of
锦绣华庭 (jinxiu). Each answer must be exactly the answer for an id that does
not exist (so nothing reveals that the row is there), never a success, and
the row must be unchanged. Every list the API has must hold no jinxiu row.
The routes are read from the URL resolver: an endpoint added later is covered
without touching this test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.db import models
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from frontdesk.core.models import Project
from frontdesk.core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MISSING_ID = 987654321


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found += _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            found.append((prefix + str(p.pattern), p))
    return found


def _api_detail_routes() -> list[tuple[str, URLPattern]]:
    """(route, pattern) of every /api/v1/ route with an object id, without format suffixes."""
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith("api/v1/") or "(?P<pk>" not in route or "(?P<format>" in route:
            continue
        if getattr(pattern.callback, "actions", None) is None:
            continue
        routes.append((route, pattern))
    return routes


def _model_of(pattern: URLPattern) -> type[models.Model] | None:
    cls = pattern.callback.cls
    if cls.__name__ == "CallbackQueueViewSet":  # its rows are the orders awaiting a callback
        from tickets.models import Ticket

        return Ticket
    queryset = getattr(cls, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(cls, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)


def _in_project(model: type[models.Model], project: Project) -> models.Model | None:
    if model is Project:
        return project
    names = {f.name for f in model._meta.get_fields()}
    for path in ("project", "household__project", "ticket__project", "decoration__project"):
        if path.split("__")[0] in names:
            return model._default_manager.filter(**{path: project}).order_by("pk").first()
    return None


def _url(route: str, pk: int) -> str:
    path = "/" + route.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<pk>[^)]*\)", str(pk), path)
    path = re.sub(r"\(\?P<pass_id>[^)]*\)", "1", path)
    path = re.sub(r"\(\?P<month>[^)]*\)", "2026-11", path)
    return path


@pytest.fixture
def demo(settings):
    """The demo, plus the rows it has none of: an attachment and an audited ID-number read."""
    from django.core.files.base import ContentFile

    from residents.models import Attachment, Person

    call_command("seed_demo")
    jinxiu = Project.objects.get(code="jinxiu")
    person = Person.objects.filter(project=jinxiu).exclude(id_number="").order_by("pk").first()
    supervisor = UserFactory(username="sup-jinxiu", role=Role.SUPERVISOR, projects=[jinxiu])
    Attachment.objects.create(
        project=jinxiu,
        household=person.household,
        file=ContentFile(b"%PDF-1.4", name="lease.pdf"),
        title="租赁合同",
        size=8,
        uploaded_by=supervisor,
    )
    api = APIClient()
    api.force_authenticate(supervisor)
    assert api.post(f"/api/v1/persons/{person.pk}/reveal-id-number/").status_code == 200
    return jinxiu, Project.objects.get(code="cuihu")


@pytest.fixture
def outsider(demo):
    """A supervisor (the widest role short of a superuser) of cuihu only."""
    _, cuihu = demo
    return UserFactory(username="sup-cuihu", role=Role.SUPERVISOR, projects=[cuihu])


def _state(obj: models.Model) -> dict[str, Any]:
    obj.refresh_from_db()
    return model_to_dict(obj)


def test_every_api_route_with_an_id_hides_the_other_projects_rows(demo, outsider):
    """Each method of each API route answers for a jinxiu row exactly as for a missing id."""
    jinxiu, _ = demo
    api = APIClient()
    api.force_authenticate(outsider)
    checked, uncovered = [], []
    for route, pattern in _api_detail_routes():
        model = _model_of(pattern)
        obj = _in_project(model, jinxiu) if model is not None else None
        if obj is None:
            uncovered.append(route)
            continue
        before = _state(obj)
        for method in list(pattern.callback.actions):
            call = getattr(api, method)
            foreign = call(_url(route, obj.pk), {}, format="json")
            missing = call(_url(route, MISSING_ID), {}, format="json")
            assert foreign.status_code >= 400, (method, route, foreign.status_code)
            assert foreign.status_code == missing.status_code, (method, route)
            if foreign["Content-Type"].startswith("application/json"):
                assert foreign.json() == missing.json(), (method, route)
            checked.append(f"{method.upper()} {route}")
        assert _state(obj) == before, route
    # Every resource the API names by id is covered (the demo has rows of each).
    assert uncovered == [], uncovered
    assert len(checked) >= 40


def test_every_api_list_holds_only_the_callers_projects(demo, outsider):
    """No list of the API shows a row of a project the caller does not work in."""
    jinxiu, cuihu = demo
    api = APIClient()
    api.force_authenticate(outsider)
    lists = {
        "/" + route.replace("^", "").replace("$", "").replace("\\.(?P<format>[a-z0-9]+)/?", "/")
        for route, pattern in _walk(get_resolver().url_patterns)
        if route.startswith("api/v1/")
        and getattr(pattern.callback, "actions", {}).get("get") == "list"
        and "(?P<pk>" not in route
    }
    seen = 0
    for url in sorted(lists):
        response = api.get(url)
        assert response.status_code == 200, url
        for row in response.json()["results"]:
            if "project" in row:
                assert row["project"] == cuihu.pk, (url, row.get("id"))
                seen += 1
    assert seen > 0


PAGES = {
    "household-file": ("residents.Household", "household_id"),
    "household-edit": ("residents.Household", "household_id"),
    "person-add": ("residents.Household", "household_id"),
    "person-edit": ("residents.Person", "person_id"),
    "vehicle-add": ("residents.Household", "household_id"),
    "card-issue": ("residents.Household", "household_id"),
    "movein-record": ("residents.Household", "household_id"),
    "decoration-apply": ("residents.Household", "household_id"),
    "note-add": ("residents.Household", "household_id"),
    "attachment-add": ("residents.Household", "household_id"),
    "unit": ("residents.Unit", "unit_id"),
    "detail": ("tickets.Ticket", "pk"),
    "print": ("tickets.Ticket", "pk"),
    "liaison": ("tickets.LiaisonForm", "pk"),
    "liaison-print": ("tickets.LiaisonForm", "pk"),
    "contract": ("tickets.MonthlyContract", "pk"),
}


def test_every_page_with_an_id_hides_the_other_projects_rows(client, demo, outsider):
    """Household, order, print, liaison and contract pages of jinxiu answer as a missing id."""
    from django.apps import apps

    jinxiu, _ = demo
    client.force_login(outsider)
    for route, pattern in _walk(get_resolver().url_patterns):
        if pattern.name not in PAGES or route.startswith(("admin/", "api/")):
            continue
        label, kwarg = PAGES[pattern.name]
        obj = _in_project(apps.get_model(label), jinxiu)
        assert obj is not None, pattern.name
        path = "/" + re.sub(r"<int:\w+>", "{}", route)
        foreign = client.get(path.format(obj.pk))
        missing = client.get(path.format(MISSING_ID))
        assert foreign.status_code == missing.status_code == 404, (pattern.name, foreign)
