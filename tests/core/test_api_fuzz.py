"""Fuzzing the REST API from its published schema (schemathesis), with a valid token and real ids.

Every operation of /api/schema/ is called with generated requests: path ids are
those of real rows of the caller's project (so the request reaches the code
behind the lookup), bodies and queries are generated from the schema. Each
answer must not be a server error, must use a status code, content type and
body the schema declares. Generation is derandomized: the same requests every
run, so a failure found in CI reproduces locally.

At the end of the session the share of operations reached past validation
(at least one answer below 400, or a domain refusal 403/409 after validation)
is written to var/api-fuzz.json; the README quotes it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from frontdesk.core.roles import Role
from tests.factories import UserFactory

EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())

# Filled by the `world` fixture of each test: ids of real rows, by resource.
IDS: dict[str, list[int]] = {}
TOKEN: dict[str, str] = {}
REACHED: dict[str, set[int]] = defaultdict(set)

# The resource a path's {id} names, from the first segment after /api/v1/.
RESOURCE = re.compile(r"^/api/v1/([a-z-]+)/")


@schema.hook
def map_path_parameters(context, path_parameters):
    match = RESOURCE.match(context.operation.path)
    if match and IDS.get(match.group(1)):
        ids = IDS[match.group(1)]
        for name in path_parameters:
            if name in ("id", "pk") or name.endswith("_id"):
                value = path_parameters[name]
                path_parameters[name] = ids[hash(str(value)) % len(ids)]
    return path_parameters


@pytest.fixture
def _keep_test_connection():
    """The WSGI app would close the test's connection at each request's end, as Django's test
    client prevents: keep it open, so that the requests run inside the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, _keep_test_connection, project, household, building):
    """A project with households, persons, orders of every kind and a token of its supervisor."""
    from residents.models import Building, Household, Person, Unit
    from tests.tickets.factories import register
    from tickets.models import Ticket

    user = UserFactory(role=Role.SUPERVISOR, projects=[project], username="fuzz")
    for kind in ("repair", "housekeeping", "greening", "convenience"):
        register(household=household, by=user, kind=kind)
    register(
        household=household,
        by=user,
        kind="complaint",
        complaint={"category": "cleaning", "reason": "service_quality"},
    )
    TOKEN["key"] = Token.objects.create(user=user).key
    IDS.clear()
    IDS.update(
        {
            "households": list(Household.objects.values_list("id", flat=True)),
            "persons": list(Person.objects.values_list("id", flat=True)),
            "units": list(Unit.objects.values_list("id", flat=True)),
            "buildings": list(Building.objects.values_list("id", flat=True)),
            "tickets": list(Ticket.objects.values_list("id", flat=True)),
        }
    )
    return user


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_schema_says(case, world):
    """No operation answers 5xx, and every answer's status, type and body are the declared ones."""
    response = case.call(headers={"Authorization": f"Token {TOKEN['key']}"})
    key = f"{case.operation.method.upper()} {case.operation.path}"
    REACHED[key].add(response.status_code)
    case.validate_response(response, checks=CHECKS)


def pytest_sessionfinish_report() -> dict[str, object]:
    operations = len(REACHED)
    past = sorted(k for k, codes in REACHED.items() if any(c < 400 or c in (403, 409) for c in codes))
    return {"operations": operations, "reached_past_validation": len(past), "reached": past}


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if REACHED:
        out = Path(settings.VAR_DIR) / "api-fuzz.json"
        out.write_text(json.dumps(pytest_sessionfinish_report(), indent=2))
