"""The desk-scale dataset the measurements run against.

Two projects, 80 buildings of 32 floors with 36 units a floor (92,160 units,
codes such as "3-1502"), 100,000 household files of which about 9,000 have
moved out, about 255,000 persons with Chinese names and 11-digit mobile
phones, plus what a household file shows (move-in records, vehicles, cards and
the history line of each move).

The data is generated in Python from a fixed seed and loaded with COPY in one
transaction, so a build either lands whole or not at all, and the same
dataset comes back on every machine. Rows respect the models' constraints:
unit codes and file numbers unique per project, one current household per
unit, the project copied onto every child row, file numbers numbered per day
in move-in order (and the daily counters of `sequences` set to match, so the
services keep numbering after the last loaded file).

Parts are a registry: each part says whether it is already loaded and how to
build it. A later part (work orders) adds itself to `PARTS` and reuses the
households and the desk user of this one.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Model
from sequences.models import Sequence as CounterRow

from frontdesk.core.models import Membership, Project
from frontdesk.core.roles import Role
from residents.models import (
    Building,
    Card,
    ChangeRecord,
    Household,
    MoveIn,
    Person,
    Unit,
    Vehicle,
)

SEED = 20261125
# The dataset does not depend on the day it is built: every date is before this one.
LAST_DAY = dt.date(2026, 11, 20)
FLOORS = 32
UNITS_PER_FLOOR = 36
HOUSEHOLDS = 100_000
VACANT_SHARE = 0.01
DESK_USERNAME = "bench-desk"
SUPERVISOR_USERNAME = "bench-supervisor"  # a member of every benchmark project


@dataclass(frozen=True)
class ProjectPlan:
    code: str
    name: str
    buildings: int
    handover: dt.date  # the day the developer handed the estate over: most move in soon after


PROJECT_PLANS = [
    ProjectPlan("bench-east", "东湖花园", 48, dt.date(2012, 6, 30)),
    ProjectPlan("bench-west", "西山苑", 32, dt.date(2016, 9, 1)),
]
# Projects a later part adds (the work orders' small estates): the database may hold them,
# and the supervisor is a member of them too.
MORE_PLANS: list[ProjectPlan] = []


@dataclass
class Dataset:
    """What the measurements need: the desk user, their project and the sizes loaded."""

    project: Project
    user: Any
    supervisor: Any
    sizes: dict[str, int] = field(default_factory=dict)
    built: list[str] = field(default_factory=list)  # parts built by this run (not reused)


Log = Callable[[str], None]


# --- Parts registry ---------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    name: str
    is_loaded: Callable[[], bool]
    build: Callable[[Log], None]


def _households_loaded() -> bool:
    projects = Project.objects.filter(code__in=[p.code for p in PROJECT_PLANS])
    if projects.count() != len(PROJECT_PLANS):
        return False
    return Household.objects.filter(project__in=projects).count() >= HOUSEHOLDS


def _build_households(log: Log) -> None:
    _refuse_shared_database()
    with transaction.atomic():
        _HouseholdsBuilder(log).run()
    _vacuum_analyze(
        [
            Project,
            Building,
            Unit,
            Household,
            Person,
            Vehicle,
            Card,
            MoveIn,
            ChangeRecord,
            CounterRow,
        ],
        log,
    )


PARTS: list[Part] = [Part("households", _households_loaded, _build_households)]
# Row counts a later part adds to `dataset_sizes()`.
SIZES: list[Callable[[], dict[str, int]]] = []


def prepare(*, log: Log) -> Dataset:
    """Migrate, build the parts not loaded yet, and return the dataset handle."""
    if connection.vendor != "postgresql":
        raise SystemExit(
            "The benchmark needs PostgreSQL: set DATABASE_URL "
            "(default postgres://postgres@127.0.0.1:5432/fd_bench)."
        )
    call_command("migrate", interactive=False, verbosity=0)
    built = []
    for part in PARTS:
        if part.is_loaded():
            log(f"dataset part '{part.name}': already loaded, reused")
            continue
        log(f"dataset part '{part.name}': building")
        started = time.perf_counter()
        part.build(log)
        log(f"dataset part '{part.name}': built in {time.perf_counter() - started:.1f} s")
        built.append(part.name)
    project = Project.objects.get(code=PROJECT_PLANS[0].code)
    user = get_user_model().objects.get(username=DESK_USERNAME)
    return Dataset(
        project=project,
        user=user,
        supervisor=_supervisor(),
        sizes=dataset_sizes(),
        built=built,
    )


def _supervisor() -> Any:
    """The supervisor of every benchmark project (a few rows, made on any run that lacks them)."""
    user, created = get_user_model().objects.get_or_create(
        username=SUPERVISOR_USERNAME, defaults={"first_name": "客服主管"}
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=str(Role.SUPERVISOR)))
    for project in Project.objects.filter(code__in=[p.code for p in PROJECT_PLANS + MORE_PLANS]):
        Membership.objects.get_or_create(user=user, project=project)
    return user


def dataset_sizes() -> dict[str, int]:
    """Row counts of the tables the measurements read (exact counts, cheap at this size)."""
    sizes = {
        "projects": Project.objects.count(),
        "buildings": Building.objects.count(),
        "units": Unit.objects.count(),
        "households": Household.objects.count(),
        "households moved out": Household.objects.filter(moved_out_on__isnull=False).count(),
        "persons": Person.objects.count(),
        "vehicles": Vehicle.objects.count(),
        "cards": Card.objects.count(),
        "move-in records": MoveIn.objects.count(),
        "history lines": ChangeRecord.objects.count(),
    }
    for more in SIZES:
        sizes.update(more())
    return sizes


def _refuse_shared_database() -> None:
    """Never load 100,000 invented households into a database that holds real projects."""
    others = Project.objects.exclude(code__in=[p.code for p in PROJECT_PLANS + MORE_PLANS])
    if others.exists():
        raise SystemExit(
            f"Database {connection.settings_dict['NAME']!r} holds other projects "
            f"({', '.join(others.values_list('code', flat=True)[:5])}); the benchmark loads its "
            "data only into a database of its own. Point DATABASE_URL at an empty one."
        )


def _vacuum_analyze(models: Iterable[type[Model]], log: Log) -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    log(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")


# --- COPY -------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, dt.date | dt.datetime):
        value = value.isoformat()
    else:
        value = str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _copy(model: type[Model], rows: Iterable[dict[str, Any]]) -> int:
    """COPY `rows` (column name to value, the same columns in each) into the model's table.

    Returns the row count. The rows are consumed as they come, so a generator
    of a quarter of a million rows never sits in memory as dictionaries.
    """
    buffer = io.StringIO()
    columns: list[str] = []
    count = 0
    for row in rows:
        if not columns:
            columns = list(row)
        buffer.write("\t".join(_text(row[c]) for c in columns))
        buffer.write("\n")
        count += 1
    if not count:
        return 0
    buffer.seek(0)
    _copy_text(model, columns, buffer)
    return count


def _copy_text(model: type[Model], columns: list[str], text: Any) -> None:
    """COPY lines already in COPY's text format (a file object, read from its position)."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        # psycopg2's COPY entry point, reached through Django's cursor wrapper.
        cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", text)


def _next_id(model: type[Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
        return int(cursor.fetchone()[0])


def _sync_id_sequence(model: type[Model]) -> None:
    """Move the table's id sequence past the ids COPY wrote, so the services can insert."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {table}))",
            [table],
        )


# --- People -----------------------------------------------------------------------

# Common surnames, weighted roughly by how often they occur (per mille).
_SURNAMES = (
    "王72 李72 张68 刘53 陈45 杨31 黄22 赵22 吴21 周20 徐17 孙15 马15 朱14 胡13 郭12 何12 "
    "高11 林11 罗10 郑9 梁9 谢8 宋8 唐8 许7 韩7 冯7 邓7 曹7 彭6 曾6 肖6 田6 董5 袁5 潘5 "
    "于5 蒋5 蔡5 余5 杜5 叶5 程5 苏4 魏4 吕4 丁4 任4 沈4 姚4 卢4 姜4 崔4 钟4 谭3 陆3 汪3 "
    "范3 金3 石3 廖3 贾3 夏3 韦3 付3 方3 白3 邹3 孟3 熊3 秦3 邱3 江3 尹3 薛2 闫2 段2 雷2 "
    "侯2 龙2 史2 陶2 黎2 贺2 顾2 毛2 郝2 龚2 邵2 万2 钱2 严2 覃2 武2 戴2 莫2 孔2 向2 汤2 欧阳1"
).split()
SURNAMES = [s.rstrip("0123456789") for s in _SURNAMES]
SURNAME_WEIGHTS = [int(s[len(n) :]) for s, n in zip(_SURNAMES, SURNAMES, strict=True)]
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国志文海东亮"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲燕萍红英华慧莉婷雪琳晶梅洁颖倩兰琴云凤玉佳欣怡丹"
GIVEN_ANY = "子晨嘉思雨一佳梓浩俊宇泽瑞博文天可欣安然嘉铭晓春"
_MOBILE_PREFIXES = [
    *(f"13{d}" for d in range(10)),
    *("150 151 152 153 155 156 157 158 159 166 170 171 172 173 175 176 177 178".split()),
    *(f"18{d}" for d in range(10)),
    *("191 193 195 196 197 198 199".split()),
]
_ID_AREAS = "110105 310115 440305 440106 320102 330106 510107 420106 430104 370202".split()
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_CHECKLIST_ITEMS = ["入户门", "窗户", "水电表", "卫生间洁具", "厨房燃气", "对讲门铃"]


class _People:
    """Names, phones and ID numbers, unique where the desk needs them to be."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phones: set[str] = set()

    def surname(self) -> str:
        return self.rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]

    def name(self, surname: str, gender: str) -> str:
        pool = GIVEN_MALE if gender == "male" else GIVEN_FEMALE
        first = self.rng.choice(pool)
        if self.rng.random() < 0.3:
            return surname + first
        return surname + self.rng.choice(GIVEN_ANY + pool) + first

    def phone(self) -> str:
        while True:
            number = self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def id_number(self, born: dt.date, gender: str) -> str:
        serial = self.rng.randrange(500) * 2 + (1 if gender == "male" else 0)
        body = f"{self.rng.choice(_ID_AREAS)}{born:%Y%m%d}{serial:03d}"
        total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
        return body + _ID_CHECK[total % 11]


# --- Households -------------------------------------------------------------------


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment of the working day (Beijing time) on `day`, as an aware datetime."""
    tz = dt.timezone(dt.timedelta(hours=8))
    return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=tz) + dt.timedelta(
        minutes=rng.randrange(8 * 60)
    )


@dataclass(frozen=True)
class _Unit:
    id: int
    project_id: int
    code: str
    handover: dt.date


@dataclass
class _Household:
    unit: _Unit
    moved_in_on: dt.date
    moved_out_on: dt.date | None
    id: int = 0
    file_number: str = ""


class _HouseholdsBuilder:
    """The estates of `plans` (by default the two big ones), their households and files.

    A later part builds estates of its own with other plans, sizes and seed; `staff`
    makes the projects and names the user who signs their files.
    """

    def __init__(
        self,
        log: Log,
        *,
        plans: list[ProjectPlan] | None = None,
        floors: int | None = None,
        units_per_floor: int | None = None,
        households: int | None = None,
        seed: int | None = None,
    ) -> None:
        self.log = log
        self.plans = PROJECT_PLANS if plans is None else plans
        self.floors = FLOORS if floors is None else floors
        self.units_per_floor = UNITS_PER_FLOOR if units_per_floor is None else units_per_floor
        self.household_count = HOUSEHOLDS if households is None else households
        self.rng = random.Random(SEED if seed is None else seed)
        self.people = _People(self.rng)

    def run(self) -> None:
        started = time.perf_counter()
        self.projects, self.user = self.staff()
        self.units: list[_Unit] = []
        count = _copy(Unit, self.unit_rows())
        self.log(f"  {count:,} units in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        self.households = self.plan_households()
        count = _copy(Household, self.household_rows())
        self.mark_occupied_units()
        self.log(f"  {count:,} households in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        self.primary: dict[int, int] = {}  # household id -> its main contact's person id
        count = _copy(Person, self.person_rows())
        self.log(f"  {count:,} persons in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        vehicles = self.plan_vehicles()
        counts = [
            _copy(Vehicle, (row for row, _card in vehicles)),
            _copy(Card, self.card_rows(vehicles)),
            _copy(MoveIn, self.move_in_rows()),
            _copy(ChangeRecord, self.history_rows()),
        ]
        vehicles_n, cards_n, move_ins_n, history_n = counts
        self.log(
            f"  {vehicles_n:,} vehicles, {cards_n:,} cards, {move_ins_n:,} move-in records, "
            f"{history_n:,} history lines in {time.perf_counter() - started:.1f} s"
        )
        for model in (Unit, Household, Person, Vehicle, Card, MoveIn, ChangeRecord):
            _sync_id_sequence(model)

    # Projects, buildings and the desk user: a few rows, through the ORM.
    def staff(self) -> tuple[list[Project], Any]:
        projects = [
            Project.objects.create(code=p.code, name=p.name, address=f"{p.name}服务中心")
            for p in self.plans
        ]
        user = get_user_model().objects.create_user(username=DESK_USERNAME, first_name="前台")
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=str(Role.DESK)))
        Membership.objects.create(user=user, project=projects[0])
        return projects, user

    def unit_rows(self) -> Iterator[dict[str, Any]]:
        """Every unit of every building, floor by floor; remembered in `self.units`."""
        areas = [Decimal(a) for a in ("89.50", "118.20", "135.60", "76.40", "142.80", "96.30")]
        unit_id = _next_id(Unit)
        for project, plan in zip(self.projects, self.plans, strict=True):
            buildings = Building.objects.bulk_create(
                Building(project=project, number=str(n), name=f"{n}栋", floors=self.floors)
                for n in range(1, plan.buildings + 1)
            )
            for building in buildings:
                for floor in range(1, self.floors + 1):
                    for index in range(1, self.units_per_floor + 1):
                        number = f"{floor}{index:02d}"
                        unit = _Unit(
                            unit_id, project.pk, f"{building.number}-{number}", plan.handover
                        )
                        self.units.append(unit)
                        yield {
                            "id": unit.id,
                            "project_id": unit.project_id,
                            "building_id": building.pk,
                            "number": number,
                            "code": unit.code,
                            "floor": floor,
                            "floor_area": areas[index % len(areas)],
                            "unit_type": "apartment",
                            "status": "vacant",
                        }
                        unit_id += 1

    def plan_households(self) -> list[_Household]:
        """Who lived where: one current household in most units, a previous one in some."""
        rng = self.rng
        n_units = len(self.units)
        vacant = set(rng.sample(range(n_units), round(n_units * VACANT_SHARE)))
        previous = set(rng.sample(range(n_units), self.household_count - (n_units - len(vacant))))
        households: list[_Household] = []
        for index, unit in enumerate(self.units):
            settled = unit.handover + dt.timedelta(days=730)
            if index in previous:
                first_in = _day_between(rng, unit.handover, settled)
                out = _day_between(rng, first_in + dt.timedelta(days=180), LAST_DAY)
                households.append(_Household(unit, first_in, out))
                if index not in vacant:
                    moved_in = min(out + dt.timedelta(days=rng.randrange(90)), LAST_DAY)
                    households.append(_Household(unit, moved_in, None))
            elif index not in vacant:
                # Most households move in within two years of the handover, the rest later.
                if rng.random() < 0.7:
                    moved_in = _day_between(rng, unit.handover, settled)
                else:
                    moved_in = _day_between(rng, settled, LAST_DAY)
                households.append(_Household(unit, moved_in, None))
        # Files are opened in move-in order: ids and daily serials follow the calendar.
        households.sort(key=lambda h: (h.moved_in_on, rng.random()))
        serials: Counter[tuple[int, dt.date]] = Counter()
        next_id = _next_id(Household)
        for offset, household in enumerate(households):
            day = household.moved_in_on
            serials[household.unit.project_id, day] += 1
            household.id = next_id + offset
            household.file_number = f"{day:%Y%m%d}-{serials[household.unit.project_id, day]:03d}"
        # The services continue each day's numbering where the loaded files stop.
        CounterRow.objects.bulk_create(
            CounterRow(name=f"household-file:{project_id}:{day:%Y%m%d}", last=last)
            for (project_id, day), last in serials.items()
        )
        return households

    def household_rows(self) -> Iterator[dict[str, Any]]:
        for h in self.households:
            created = _at(h.moved_in_on, self.rng)
            yield {
                "id": h.id,
                "project_id": h.unit.project_id,
                "unit_id": h.unit.id,
                "file_number": h.file_number,
                "moved_in_on": h.moved_in_on,
                "moved_out_on": h.moved_out_on,
                "notes": "",
                "created_at": created,
                "updated_at": _at(h.moved_out_on, self.rng) if h.moved_out_on else created,
            }

    def mark_occupied_units(self) -> None:
        occupied = [h.unit.id for h in self.households if h.moved_out_on is None]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Unit._meta.db_table} SET status = 'occupied' WHERE id = ANY(%s)",
                [occupied],
            )

    def person_rows(self) -> Iterator[dict[str, Any]]:
        """1 to 5 persons a household: the owner first (the main contact, always a phone)."""
        rng, people = self.rng, self.people
        person_id = _next_id(Person)
        for h in self.households:
            family = people.surname()
            for position in range(rng.choices((1, 2, 3, 4, 5), (20, 30, 30, 15, 5))[0]):
                gender = rng.choice(("male", "female"))
                if position == 0:
                    role, surname, born = "owner", family, 1950 + rng.randrange(45)
                    self.primary[h.id] = person_id
                elif rng.random() < 0.05:
                    role, surname, born = "emergency", people.surname(), 1950 + rng.randrange(50)
                else:
                    surname = family if rng.random() < 0.6 else people.surname()
                    role, born = "member", 1945 + rng.randrange(78)
                birthday = dt.date(born, 1 + rng.randrange(12), 1 + rng.randrange(28))
                yield {
                    "id": person_id,
                    "project_id": h.unit.project_id,
                    "household_id": h.id,
                    "role": role,
                    "name": people.name(surname, gender),
                    "phone": people.phone() if position == 0 or rng.random() < 0.7 else "",
                    "id_type": "resident_id",
                    "id_number": people.id_number(birthday, gender),
                    "gender": gender,
                    "is_primary": position == 0,
                    "notes": "",
                    "is_active": rng.random() < 0.97,
                }
                person_id += 1

    def plan_vehicles(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """A car for 30 % of current households, with its parking card (plates unique)."""
        plates: set[tuple[int, str]] = set()
        vehicle_id = _next_id(Vehicle)
        vehicles = []
        for h in self.households:
            if h.moved_out_on is not None or self.rng.random() >= 0.3:
                continue
            plate = ""
            while not plate or (h.unit.project_id, plate) in plates:
                plate = "粤B" + "".join(self.rng.choice(_PLATE_CHARS) for _ in range(5))
            plates.add((h.unit.project_id, plate))
            vehicle = {
                "id": vehicle_id,
                "project_id": h.unit.project_id,
                "household_id": h.id,
                "plate": plate,
                "description": "白色轿车",
                "parking_space": f"B1-{vehicle_id % 10000:04d}",
                "is_active": True,
            }
            card = _card(h, "parking", f"P{vehicle_id:08d}", vehicle_id=vehicle_id)
            vehicles.append((vehicle, card))
            vehicle_id += 1
        return vehicles

    def card_rows(
        self, vehicles: list[tuple[dict[str, Any], dict[str, Any]]]
    ) -> Iterator[dict[str, Any]]:
        """An access card for the main contact of each current household, then parking cards."""
        card_id = _next_id(Card)
        for h in self.households:
            if h.moved_out_on is None:
                yield _card(h, "access", f"A{h.id:08d}", id=card_id, holder_id=self.primary[h.id])
                card_id += 1
        for _vehicle, card in vehicles:
            yield {**card, "id": card_id}
            card_id += 1

    def move_in_rows(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        move_in_id = _next_id(MoveIn)
        for h in self.households:
            yield {
                "id": move_in_id,
                "project_id": h.unit.project_id,
                "household_id": h.id,
                "keys_handed": 2 + rng.randrange(3),
                "key_notes": "",
                "water_reading": Decimal(rng.randrange(10000)) / 10,
                "electricity_reading": Decimal(rng.randrange(100000)) / 10,
                "gas_reading": Decimal(rng.randrange(5000)) / 10,
                "checklist": [
                    {
                        "item": item,
                        "condition": "good" if rng.random() < 0.95 else "defect",
                        "note": "",
                    }
                    for item in _CHECKLIST_ITEMS
                ],
                "signed_on": h.moved_in_on,
                "handled_by_id": self.user.pk,
                "created_at": _at(h.moved_in_on, rng),
            }
            move_in_id += 1

    def history_rows(self) -> Iterator[dict[str, Any]]:
        """The history line of each move-in, and of each move-out."""
        change_id = _next_id(ChangeRecord)
        for h in self.households:
            moves = [("moved_in", h.moved_in_on, {})]
            if h.moved_out_on:
                moves.append(
                    (
                        "moved_out",
                        h.moved_out_on,
                        {"moved_out_on": ["", h.moved_out_on.isoformat()]},
                    )
                )
            for action, day, changes in moves:
                yield {
                    "id": change_id,
                    "project_id": h.unit.project_id,
                    "household_id": h.id,
                    "actor_id": self.user.pk,
                    "author_name": self.user.get_full_name() or self.user.get_username(),
                    "at": _at(day, self.rng),
                    "action": action,
                    "subject": "household",
                    "subject_repr": f"住户: {h.unit.code} ({h.file_number})",
                    "changes": changes,
                }
                change_id += 1


def _card(h: _Household, kind: str, number: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": None,
        "project_id": h.unit.project_id,
        "household_id": h.id,
        "kind": kind,
        "number": number,
        "holder_id": None,
        "vehicle_id": None,
        "status": "active",
        "issued_on": h.moved_in_on,
        "returned_on": None,
        **fields,
    }
