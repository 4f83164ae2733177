"""The registry of measurements: what is timed, how often, and the budget it must meet.

A measurement is a function that receives the shared `Context` and returns the
call to time (taking the repetition number, so it can rotate through samples),
or raises `Skip` when what it measures does not exist yet. Its budget is on
the 95th percentile, in milliseconds. To add a measurement, decorate a
function with `@measurement(...)` in this module or in one listed in
`MEASUREMENT_MODULES` of `bench/run.py` (a later `bench/orders.py` registers
the work-order measurements against its own dataset part).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count
from django.db.models.functions import Length
from django.test import Client
from django.urls import Resolver404, resolve

from residents.models import Building, Household, Person, Unit
from residents.selectors import household_file, household_search

from .dataset import Dataset

SEARCH_BUDGET_MS = 50.0
FILE_BUDGET_MS = 50.0
API_BUDGET_MS = 100.0
PAGE_BUDGET_MS = 200.0

Call = Callable[[int], Any]


class Skip(Exception):
    """What the measurement times does not exist yet (not a failure)."""


class Broken(Exception):
    """What the measurement times exists but does not answer correctly (a failure)."""


@dataclass(frozen=True)
class Measurement:
    name: str
    group: str
    budget_ms: float
    prepare: Callable[[Context], Call]
    explain: bool  # print the plans of its queries in --explain mode
    reps: int | None  # at most this many timed calls (a slow measurement)
    warmup: int | None  # this many untimed calls instead of --warmup


REGISTRY: list[Measurement] = []


def measurement(
    name: str,
    *,
    group: str,
    budget_ms: float,
    explain: bool = False,
    reps: int | None = None,
    warmup: int | None = None,
) -> Callable[[Callable[[Context], Call]], Callable[[Context], Call]]:
    def register(prepare: Callable[[Context], Call]) -> Callable[[Context], Call]:
        REGISTRY.append(Measurement(name, group, budget_ms, prepare, explain, reps, warmup))
        return prepare

    return register


# --- Shared context ------------------------------------------------------------------


@dataclass
class Context:
    """The dataset, sample inputs taken from it, and a logged-in desk client."""

    dataset: Dataset
    samples_per_kind: int = 10
    _client: Client | None = field(default=None, repr=False)

    @property
    def user(self) -> Any:
        """The desk user as a new request sees it: nothing cached from the previous one."""
        user = self.dataset.user
        for attribute in (
            "_desk_project_ids",
            "_desk_roles",
            "_perm_cache",
            "_user_perm_cache",
            "_group_perm_cache",
        ):
            user.__dict__.pop(attribute, None)
        return user

    @property
    def supervisor(self) -> Any:
        """The supervisor of both projects, as a new request sees them."""
        supervisor = self.dataset.supervisor
        for attribute in ("_desk_project_ids", "_desk_roles"):
            supervisor.__dict__.pop(attribute, None)
        return supervisor

    def log_in(self) -> None:
        """Log the desk client in (call outside the measurements' rolled-back transactions)."""
        self._client = Client()
        self._client.force_login(self.dataset.user)

    @property
    def client(self) -> Client:
        if self._client is None:
            self.log_in()
        assert self._client is not None
        return self._client

    def _spread(self, values: list[Any]) -> list[Any]:
        """`samples_per_kind` values spread evenly over `values` (deterministic)."""
        if not values:
            raise Broken("the dataset has no sample of this kind")
        step = max(1, len(values) // self.samples_per_kind)
        return values[::step][: self.samples_per_kind]

    @cached_property
    def _persons(self) -> Any:
        return Person.objects.filter(project=self.dataset.project, household__moved_out_on=None)

    @cached_property
    def unit_codes(self) -> list[str]:
        """Codes that name one household: "3-1502" first, then others like it.

        Units from the 10th floor up (a 3-digit "3-101" is also the start of
        "3-1010") that are occupied and had no earlier household.
        """
        codes = list(
            Unit.objects.filter(project=self.dataset.project, status="occupied", floor__gte=10)
            .annotate(files=Count("households"))
            .filter(files=1)
            .order_by("id")
            .values_list("code", flat=True)
        )
        first = ["3-1502"] if "3-1502" in codes else []
        return [*first, *self._spread(codes)][: self.samples_per_kind]

    @cached_property
    def phones(self) -> list[str]:
        phones = self._persons.exclude(phone="").order_by("id").values_list("phone", flat=True)
        return self._spread(list(phones))

    @cached_property
    def phone_fragments(self) -> list[str]:
        """The last four digits, as a caller reads them out."""
        return [phone[-4:] for phone in self.phones]

    @cached_property
    def two_character_names(self) -> list[str]:
        names = (
            self._persons.annotate(length=Length("name"))
            .filter(length=2)
            .order_by("id")
            .values_list("name", flat=True)
        )
        return self._spread(list(names))

    @cached_property
    def given_names(self) -> list[str]:
        """The last two characters of three-character names: 建国 of 王建国."""
        names = (
            self._persons.annotate(length=Length("name"))
            .filter(length=3)
            .order_by("id")
            .values_list("name", flat=True)
        )
        return self._spread([name[1:] for name in names])

    @cached_property
    def surnames(self) -> list[str]:
        return ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"][: self.samples_per_kind]

    @cached_property
    def household_ids(self) -> list[int]:
        ids = (
            Household.objects.filter(project=self.dataset.project)
            .order_by("id")
            .values_list("id", flat=True)
        )
        return self._spread(list(ids))

    @cached_property
    def building_ids(self) -> list[int]:
        ids = Building.objects.filter(project=self.dataset.project).order_by("id")
        return self._spread(list(ids.values_list("id", flat=True)))


def _rotate(values: list[Any], call: Callable[[Any], Any]) -> Call:
    return lambda i: call(values[i % len(values)])


def _require_url(path: str) -> None:
    try:
        resolve(path)
    except Resolver404 as missing:
        raise Skip(f"{path} is not served yet") from missing


def _get(
    ctx: Context,
    path: str,
    params: dict[str, Any] | None = None,
    *,
    expect: int = 200,
    **headers: str,
) -> Any:
    response = ctx.client.get(path, params or {}, headers=headers)
    if response.status_code != expect:
        raise Broken(f"GET {path} {params or ''} answered {response.status_code}, not {expect}")
    return response


def _search(ctx: Context, values: list[str], *, supervisor: bool = False) -> Call:
    def call(q: str) -> Any:
        found = household_search(user=ctx.supervisor if supervisor else ctx.user, q=q)
        if not found:
            raise Broken(f"household_search found nothing for {q!r}")
        return found

    return _rotate(values, call)


# --- The search box ------------------------------------------------------------------


@measurement(
    "search: unit code (3-1502)", group="search box", budget_ms=SEARCH_BUDGET_MS, explain=True
)
def search_unit_code(ctx: Context) -> Call:
    return _search(ctx, ctx.unit_codes)


@measurement(
    "search: phone, last 4 digits", group="search box", budget_ms=SEARCH_BUDGET_MS, explain=True
)
def search_phone_fragment(ctx: Context) -> Call:
    return _search(ctx, ctx.phone_fragments)


@measurement(
    "search: full mobile phone", group="search box", budget_ms=SEARCH_BUDGET_MS, explain=True
)
def search_full_phone(ctx: Context) -> Call:
    return _search(ctx, ctx.phones)


@measurement(
    "search: 2-character name", group="search box", budget_ms=SEARCH_BUDGET_MS, explain=True
)
def search_two_character_name(ctx: Context) -> Call:
    return _search(ctx, ctx.two_character_names)


@measurement(
    "search: given name (建国 of 王建国)",
    group="search box",
    budget_ms=SEARCH_BUDGET_MS,
    explain=True,
)
def search_given_name(ctx: Context) -> Call:
    return _search(ctx, ctx.given_names)


@measurement(
    "search: surname (王, 李, …)", group="search box", budget_ms=SEARCH_BUDGET_MS, explain=True
)
def search_surname(ctx: Context) -> Call:
    return _search(ctx, ctx.surnames)


@measurement(
    "search: surname, supervisor of both projects",
    group="search box",
    budget_ms=SEARCH_BUDGET_MS,
    explain=True,
)
def search_surname_two_projects(ctx: Context) -> Call:
    return _search(ctx, ctx.surnames, supervisor=True)


# --- The household file ----------------------------------------------------------------


@measurement(
    "household_file selector", group="household file", budget_ms=FILE_BUDGET_MS, explain=True
)
def file_selector(ctx: Context) -> Call:
    return _rotate(ctx.household_ids, lambda pk: household_file(user=ctx.user, household_id=pk))


# --- REST API ---------------------------------------------------------------------------

API_HOUSEHOLDS = "/api/v1/households/"


@measurement("API households, page of 50", group="API", budget_ms=API_BUDGET_MS)
def api_list(ctx: Context) -> Call:
    _require_url(API_HOUSEHOLDS)
    return lambda i: _get(ctx, API_HOUSEHOLDS, {"page_size": 50})


@measurement("API households ?q=unit code", group="API", budget_ms=API_BUDGET_MS)
def api_search_unit(ctx: Context) -> Call:
    _require_url(API_HOUSEHOLDS)
    return _rotate(ctx.unit_codes, lambda q: _get(ctx, API_HOUSEHOLDS, {"q": q, "page_size": 50}))


@measurement("API households ?q=phone digits", group="API", budget_ms=API_BUDGET_MS)
def api_search_phone(ctx: Context) -> Call:
    _require_url(API_HOUSEHOLDS)
    return _rotate(
        ctx.phone_fragments, lambda q: _get(ctx, API_HOUSEHOLDS, {"q": q, "page_size": 50})
    )


@measurement("API households ?building=", group="API", budget_ms=API_BUDGET_MS)
def api_building(ctx: Context) -> Call:
    _require_url(API_HOUSEHOLDS)
    return _rotate(
        ctx.building_ids,
        lambda pk: _get(ctx, API_HOUSEHOLDS, {"building": pk, "page_size": 50}),
    )


@measurement("API household detail", group="API", budget_ms=API_BUDGET_MS)
def api_detail(ctx: Context) -> Call:
    _require_url(f"{API_HOUSEHOLDS}{ctx.household_ids[0]}/")
    return _rotate(ctx.household_ids, lambda pk: _get(ctx, f"{API_HOUSEHOLDS}{pk}/"))


# --- Pages ---------------------------------------------------------------------------------


SEARCH_RESULTS = "/search/results/"


@measurement("page: search as you type, phone digits", group="pages", budget_ms=PAGE_BUDGET_MS)
def page_search_results(ctx: Context) -> Call:
    _require_url(SEARCH_RESULTS)
    return _rotate(
        ctx.phone_fragments,
        lambda q: _get(ctx, SEARCH_RESULTS, {"q": q}, HX_Request="true"),
    )


@measurement("page: home ?q=surname, a list", group="pages", budget_ms=PAGE_BUDGET_MS)
def page_home_surname(ctx: Context) -> Call:
    _require_url(SEARCH_RESULTS)  # the home page searches once the search pages exist
    return _rotate(ctx.surnames, lambda q: _get(ctx, "/", {"q": q}))


@measurement(
    "page: home ?q=unit code, one hit opens the file", group="pages", budget_ms=PAGE_BUDGET_MS
)
def page_home_unit_code(ctx: Context) -> Call:
    _require_url(SEARCH_RESULTS)
    return _rotate(ctx.unit_codes, lambda q: _get(ctx, "/", {"q": q}, expect=302))


@measurement("page: household file /households/<id>/", group="pages", budget_ms=PAGE_BUDGET_MS)
def page_household_file(ctx: Context) -> Call:
    _require_url(f"/households/{ctx.household_ids[0]}/")
    return _rotate(ctx.household_ids, lambda pk: _get(ctx, f"/households/{pk}/"))


# --- Printing and the demo ----------------------------------------------------------------

PRINT_BUDGET_MS = 15_000.0
DEMO_BUDGET_MS = 30_000.0


@measurement(
    "print: the day's run of 50 orders, three copies each",
    group="printing",
    budget_ms=PRINT_BUDGET_MS,
    reps=3,
    warmup=1,
)
def print_day_run(ctx: Context) -> Call:
    try:
        from tickets.printing import print_orders, print_queryset
        from tickets.services import ticket_register
    except ImportError as missing:
        raise Skip("work orders cannot be printed yet") from missing
    user = ctx.dataset.user
    households = list(
        Household.objects.filter(project=ctx.dataset.project, moved_out_on=None)
        .select_related("project")
        .order_by("id")[:10]
    )
    ids = [
        ticket_register(
            project=households[i % len(households)].project,
            household=households[i % len(households)],
            kind="repair",
            matter=f"第{i + 1}号报修：卫生间漏水",
            by=user,
        ).pk
        for i in range(50)
    ]
    orders = list(print_queryset().filter(pk__in=ids).order_by("id"))

    def call(i: int) -> bytes:
        pdf = print_orders(orders, by=user)
        if not pdf.startswith(b"%PDF"):
            raise Broken("print_orders did not return a PDF")
        return pdf

    return call


@measurement(
    "demo: seed_demo loads the demo estates",
    group="demo",
    budget_ms=DEMO_BUDGET_MS,
    reps=1,
    warmup=0,
)
def demo_load(ctx: Context) -> Call:
    from io import StringIO

    from django.core.management import call_command, get_commands
    from django.db import transaction

    if "seed_demo" not in get_commands():
        raise Skip("there is no seed_demo command yet")

    def call(i: int) -> None:
        # Each load in a savepoint of its own, undone at once: the demo loads only once.
        with transaction.atomic():
            call_command("seed_demo", stdout=StringIO())
            transaction.set_rollback(True)

    return call
