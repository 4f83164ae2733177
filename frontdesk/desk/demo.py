"""Demo data: two estates, their staff and about 300 household files.

`load()` builds everything in one transaction and returns a `DemoData` that
names what it made. Households are written through `residents.services`, so
file numbers, unit statuses and histories are the real ones.

The steps are plain functions of a `DemoData`, run in order by `load()`:
projects, staff, buildings, households, decorations, then the work orders of
`tickets.demo`. Another app adds its demo rows (bills, desk records) either by
a step here, or by defining ``load(data)`` in its own `<app>/demo.py`: the
`seed_demo` command calls every such function after `load()`, in
INSTALLED_APPS order, inside the same transaction. Such a function should
read only the attributes documented on `DemoData` and draw from
`data.faker` / `data.random`, so that the demo stays deterministic. The desk's
own records (duty log, handovers, reviews) are loaded by `demo_records`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from faker import Faker

from frontdesk.core.models import Membership, Notification, Project, StaffProfile
from frontdesk.core.roles import Role
from residents import services
from residents.choices import (
    CardKind,
    ChangeAction,
    ChecklistCondition,
    DecorationStatus,
    Gender,
    InspectionKind,
    InspectionResult,
    PersonRole,
    UnitType,
)
from residents.models import Building, Card, ChangeRecord, Household, MoveIn, Person, Unit, Vehicle
from tickets import statistics
from tickets.demo import COMPLAINTS_PER_MONTH, seed_demo_history, seed_demo_tickets

PASSWORD = "demo12345"
SEED = 20261122

User = get_user_model()


@dataclass
class DemoData:
    """What the demo made, for the loaders of other apps.

    - `projects`: project code -> Project (``jinxiu``, ``cuihu``)
    - `staff`: username -> User (see `STAFF`)
    - `households`: project code -> current households of that project
    - `today`: the day the demo was loaded; dates are spread before it
    - `faker`, `random`: seeded generators to keep the demo deterministic
    """

    today: dt.date
    faker: Faker
    random: random.Random
    projects: dict[str, Project] = field(default_factory=dict)
    staff: dict[str, Any] = field(default_factory=dict)
    buildings: dict[str, list[Building]] = field(default_factory=dict)
    households: dict[str, list[Household]] = field(default_factory=dict)

    def staff_of(self, project_code: str, role: str) -> list[Any]:
        """Demo staff members of a role who work in a project."""
        return [
            u
            for u in self.staff.values()
            if role in u._demo_roles and project_code in u._demo_projects
        ]


# --- What is made -------------------------------------------------------------------

PROJECTS = [
    {
        "code": "jinxiu",
        "name": "锦绣华庭",
        "address": "深圳市南山区科苑南路88号",
        "phone": "0755-86001234",
    },
    {
        "code": "cuihu",
        "name": "翠湖名苑",
        "address": "深圳市福田区香蜜湖路16号",
        "phone": "0755-83005678",
    },
]

# Buildings of each project: number, floors, units per floor, unit type.
BUILDINGS = {
    "jinxiu": [
        ("1", 18, 4, UnitType.APARTMENT),
        ("2", 26, 2, UnitType.APARTMENT),
        ("3", 32, 2, UnitType.APARTMENT),
    ],
    "cuihu": [
        ("1", 24, 2, UnitType.APARTMENT),
        ("2", 30, 2, UnitType.APARTMENT),
        ("3", 3, 10, UnitType.VILLA),
    ],
}
HOUSEHOLDS_PER_BUILDING = 54
MOVED_OUT_PER_PROJECT = 6

BOTH = ("jinxiu", "cuihu")
# username, full name, roles, projects, can open the admin
STAFF: list[tuple[str, str, tuple[str, ...], tuple[str, ...], bool]] = [
    ("desk", "陈晓燕", (Role.DESK,), BOTH, False),
    ("desk2", "刘思琪", (Role.DESK,), ("cuihu",), False),
    ("butler", "王志强", (Role.BUTLER,), ("jinxiu",), False),
    ("butler2", "张丽娟", (Role.BUTLER,), ("jinxiu",), False),
    ("butler3", "李国华", (Role.BUTLER,), ("jinxiu",), False),
    ("butler4", "赵敏", (Role.BUTLER,), ("cuihu",), False),
    ("butler5", "孙建平", (Role.BUTLER,), ("cuihu",), False),
    ("butler6", "周海燕", (Role.BUTLER,), ("cuihu",), False),
    ("supervisor", "吴秀英", (Role.SUPERVISOR,), BOTH, True),
    ("manager", "郑伟", (Role.MANAGER,), BOTH, False),
    ("cashier", "何静", (Role.CASHIER,), BOTH, False),
    ("engineer", "马超", (Role.ENGINEERING,), BOTH, False),
    ("cleaner", "林桂英", (Role.CLEANING,), BOTH, False),
    ("greener", "黄永福", (Role.GREENING,), BOTH, False),
    ("security", "高峰", (Role.SECURITY,), BOTH, False),
]
ADMIN = ("admin", "系统管理员")

# Region codes of resident ID numbers: Shenzhen districts and common home provinces.
ID_REGIONS = [
    "440305",
    "440304",
    "440303",
    "440306",
    "430102",
    "360102",
    "420106",
    "441402",
    "450103",
    "510107",
    "350203",
    "440106",
]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PROVINCE_PLATES = ["粤B", "粤B", "粤B", "粤B", "粤A", "湘A", "赣B", "鄂A"]
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
CAR_DESCRIPTIONS = [
    "白色 大众朗逸",
    "黑色 丰田凯美瑞",
    "银色 本田雅阁",
    "白色 比亚迪汉",
    "灰色 特斯拉Model 3",
    "红色 马自达3",
    "黑色 奥迪A4L",
    "蓝色 吉利星瑞",
]
CHECKLIST_ITEMS = [
    "入户门及门锁",
    "窗户及玻璃",
    "墙面及天花",
    "地面",
    "给排水",
    "电路及开关插座",
    "燃气管道",
    "卫浴洁具",
    "可视对讲",
    "水电气表",
]
DECORATIONS = [
    ("更换厨房橱柜、卫生间防水重做", "深圳市美居装饰工程有限公司"),
    ("全屋墙面翻新、铺设木地板", "鹏城家装设计有限公司"),
    ("阳台封窗、加装防盗网", "安居门窗工程部"),
    ("拆除非承重隔墙、重新布线", "深圳市匠心装饰有限公司"),
]


# --- Loading ------------------------------------------------------------------------


def is_loaded() -> bool:
    """Whether the demo projects already exist."""
    return Project.objects.filter(code__in=[p["code"] for p in PROJECTS]).exists()


@transaction.atomic
def load(*, today: dt.date | None = None) -> DemoData:
    """Create the demo projects, staff and household files (call on an empty database)."""
    faker = Faker("zh_CN")
    faker.seed_instance(SEED)
    data = DemoData(today=today or timezone.localdate(), faker=faker, random=random.Random(SEED))
    load_projects(data)
    load_staff(data)
    load_buildings(data)
    for code in data.projects:
        load_households(data, code)
    load_decorations(data)
    load_tickets(data)
    load_desk_records(data)
    return data


def load_projects(data: DemoData) -> None:
    for row in PROJECTS:
        data.projects[row["code"]] = Project.objects.create(**row)


def load_staff(data: DemoData) -> None:
    """Staff of every role, all with the demo password, and a superuser `admin`."""
    password = make_password(PASSWORD)  # hashed once: hashing is deliberately slow
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    for username, name, roles, projects, is_staff in STAFF:
        user = User.objects.create(
            username=username,
            first_name=name,
            password=password,
            is_staff=is_staff,
            email=f"{username}@example.com",
        )
        user.groups.set([groups[str(r)] for r in roles])
        Membership.objects.bulk_create(
            [Membership(user=user, project=data.projects[c]) for c in projects]
        )
        StaffProfile.objects.create(user=user, phone=data.faker.phone_number())
        user._demo_roles = {str(r) for r in roles}
        user._demo_projects = set(projects)
        data.staff[username] = user
    admin = User.objects.create(
        username=ADMIN[0],
        first_name=ADMIN[1],
        password=password,
        is_staff=True,
        is_superuser=True,
        email="admin@example.com",
    )
    Membership.objects.bulk_create(
        [Membership(user=admin, project=p) for p in data.projects.values()]
    )
    admin._demo_roles = set()
    admin._demo_projects = set(data.projects)
    data.staff[admin.username] = admin


def load_buildings(data: DemoData) -> None:
    for code, rows in BUILDINGS.items():
        butlers = data.staff_of(code, Role.BUTLER)
        data.buildings[code] = [
            services.building_create(
                project=data.projects[code],
                number=number,
                name=f"{number}栋" if unit_type != UnitType.VILLA else f"{number}区别墅",
                floors=floors,
                butler=butlers[index % len(butlers)],
            )
            for index, (number, floors, _per_floor, unit_type) in enumerate(rows)
        ]


def _units(
    data: DemoData, building: Building, floors: int, per_floor: int, unit_type: str
) -> Iterator[Unit]:
    """Every unit of a building, floor by floor (1502 is floor 15, unit 02)."""
    rnd = data.random
    for floor in range(1, floors + 1):
        for position in range(1, per_floor + 1):
            if unit_type == UnitType.VILLA:
                area = Decimal(rnd.randrange(1500, 1800)) / 10
                kind = UnitType.VILLA
            elif floor == 1 and position == 1 and building.number == "1":
                area, kind = Decimal(rnd.randrange(600, 1200)) / 10, UnitType.SHOP
            else:
                # End units are the large ones.
                base = 120 if position in (1, per_floor) else 75
                area = Decimal(base + rnd.randrange(-15, 25)) + Decimal(rnd.randrange(0, 100)) / 100
                kind = UnitType.APARTMENT
            yield services.unit_create(
                building=building,
                number=f"{floor}{position:02d}",
                floor=floor,
                floor_area=area,
                unit_type=kind,
            )


def _name(data: DemoData, gender: str) -> str:
    faker = data.faker
    given = faker.first_name_male() if gender == Gender.MALE else faker.first_name_female()
    return faker.last_name() + given


def _id_number(data: DemoData, gender: str, min_age: int, max_age: int) -> str:
    """A resident ID number (GB 11643): region, birth date, serial, sex digit, check digit."""
    rnd = data.random
    born = data.today - dt.timedelta(days=rnd.randint(min_age * 365, max_age * 365))
    sex_digit = rnd.choice("13579" if gender == Gender.MALE else "02468")
    body = f"{rnd.choice(ID_REGIONS)}{born:%Y%m%d}{rnd.randint(0, 99):02d}{sex_digit}"
    total = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _resident(
    data: DemoData,
    role: str,
    *,
    gender: str,
    min_age: int = 25,
    max_age: int = 70,
    phone: bool = True,
    primary: bool = False,
) -> dict[str, Any]:
    return {
        "role": role,
        "name": _name(data, gender),
        "phone": data.faker.phone_number() if phone else "",
        "id_number": _id_number(data, gender, min_age, max_age),
        "gender": gender,
        "is_primary": primary,
    }


def _persons(data: DemoData) -> list[dict[str, Any]]:
    """An owner family, or an owner who lets the unit to a tenant."""
    rnd = data.random
    first = rnd.choice([Gender.MALE, Gender.FEMALE])
    other = Gender.FEMALE if first == Gender.MALE else Gender.MALE
    if rnd.random() < 0.2:
        people = [
            _resident(data, PersonRole.OWNER, gender=first, min_age=35),
            _resident(data, PersonRole.TENANT, gender=other, max_age=45, primary=True),
        ]
        if rnd.random() < 0.5:
            people.append(_resident(data, PersonRole.TENANT, gender=first, max_age=45))
        return people
    people = [_resident(data, PersonRole.OWNER, gender=first, primary=True)]
    if rnd.random() < 0.75:
        people.append(_resident(data, PersonRole.MEMBER, gender=other))
    if rnd.random() < 0.45:
        child = rnd.choice([Gender.MALE, Gender.FEMALE])
        people.append(
            _resident(data, PersonRole.MEMBER, gender=child, min_age=6, max_age=17, phone=False)
        )
    if rnd.random() < 0.25:
        people.append(
            _resident(data, PersonRole.EMERGENCY, gender=rnd.choice([Gender.MALE, Gender.FEMALE]))
        )
    return people


def _plate(data: DemoData, used: set[str]) -> str:
    rnd = data.random
    while True:
        prefix = rnd.choice(PROVINCE_PLATES)
        if rnd.random() < 0.25:  # new-energy plates have six characters after the city
            tail = rnd.choice("DF") + "".join(rnd.choices("0123456789", k=5))
        else:
            tail = "".join(rnd.choices(PLATE_CHARS, k=5))
        if tail.isalpha():
            continue
        plate = prefix + tail
        if plate not in used:
            used.add(plate)
            return plate


def _checklist(data: DemoData) -> list[dict[str, str]]:
    rows = []
    for item in CHECKLIST_ITEMS:
        if data.random.random() < 0.08:
            rows.append(
                {
                    "item": item,
                    "condition": ChecklistCondition.DEFECT,
                    "note": "已登记，待工程部整改",
                }
            )
        else:
            rows.append({"item": item, "condition": ChecklistCondition.GOOD, "note": ""})
    return rows


class _Records:
    """Move-in records, vehicles and cards of many households, saved in a few bulk inserts.

    The household itself and its persons go through `household_move_in` (file
    number, unit status, history). Its other records are known-valid demo data,
    so they are inserted in bulk, each with its line in the household's
    history, as the services would have written it: the demo loads in seconds.
    """

    def __init__(self, data: DemoData, desk: Any):
        self.data, self.desk = data, desk
        self.counters = {"access": 0, "parking": 0}
        self.plates: set[str] = set()
        self.moveins: list[MoveIn] = []
        self.vehicles: list[tuple[Vehicle, Person]] = []
        self.cards: list[Card] = []

    def add(self, household: Household, persons: list[Person], day: dt.date) -> None:
        rnd = self.data.random
        self.moveins.append(
            MoveIn(
                project_id=household.project_id,
                household=household,
                keys_handed=rnd.choice([2, 3, 4]),
                key_notes="入户门钥匙、信报箱钥匙",
                water_reading=Decimal(rnd.randrange(0, 3000)) / 100,
                electricity_reading=Decimal(rnd.randrange(0, 20000)) / 100,
                gas_reading=Decimal(rnd.randrange(0, 1500)) / 100,
                checklist=_checklist(self.data),
                signed_on=day,
                handled_by=self.desk,
            )
        )
        # An access card for the main contact, and for a second adult in some households.
        holders = persons[:2] if rnd.random() < 0.3 else persons[:1]
        for person in holders:
            if person.phone:
                self.counters["access"] += 1
                self.cards.append(
                    Card(
                        project_id=household.project_id,
                        household=household,
                        kind=CardKind.ACCESS,
                        number=f"MJ{self.counters['access']:06d}",
                        issued_on=day,
                        holder=person,
                    )
                )
        if rnd.random() < 0.35:
            vehicle = Vehicle(
                project_id=household.project_id,
                household=household,
                plate=_plate(self.data, self.plates),
                description=rnd.choice(CAR_DESCRIPTIONS),
                parking_space=f"B{rnd.randint(1, 2)}-{rnd.randint(1, 380):03d}",
            )
            self.vehicles.append((vehicle, persons[0]))

    def save(self) -> None:
        MoveIn.objects.bulk_create(self.moveins)
        Vehicle.objects.bulk_create([vehicle for vehicle, _holder in self.vehicles])
        for vehicle, holder in self.vehicles:
            self.counters["parking"] += 1
            self.cards.append(
                Card(
                    project_id=vehicle.project_id,
                    household=vehicle.household,
                    kind=CardKind.PARKING,
                    number=f"TC{self.counters['parking']:06d}",
                    issued_on=vehicle.household.moved_in_on,
                    holder=holder,
                    vehicle=vehicle,
                )
            )
        Card.objects.bulk_create(self.cards)
        records: list[Any] = [*self.moveins, *(v for v, _h in self.vehicles), *self.cards]
        lines = ChangeRecord.objects.bulk_create(
            ChangeRecord(
                project_id=record.project_id,
                household=record.household,
                actor=self.desk,
                action=ChangeAction.ADDED,
                subject=record._meta.model_name,
                subject_repr=f"{record._meta.verbose_name}: {record}"[:200],
            )
            for record in records
        )
        # Each line is dated the day the household moved in, not the day the demo loaded.
        for line, record in zip(lines, records, strict=True):
            line.at = _on(record.household.moved_in_on)
        ChangeRecord.objects.bulk_update(lines, ["at"])
        self.moveins, self.vehicles, self.cards = [], [], []


def _move_in(data: DemoData, unit: Unit, day: dt.date, desk: Any, records: _Records) -> Household:
    """One household moving in, with its move-in record, cards and perhaps a car, recorded
    in the file's history on the day it happened."""
    with time_machine.travel(_on(day), tick=False):
        household = services.household_move_in(
            unit=unit, moved_in_on=day, persons=_persons(data), by=desk
        )
    records.add(household, list(household.persons.all()), day)
    return household


def load_households(data: DemoData, code: str) -> None:
    """About 150 current households per project, some units with a former household."""
    rnd = data.random
    desk = data.staff["desk"]
    records = _Records(data, desk)
    current: list[Household] = []
    for building, (_n, floors, per_floor, unit_type) in zip(
        data.buildings[code], BUILDINGS[code], strict=True
    ):
        units = list(_units(data, building, floors, per_floor, unit_type))
        occupied = sorted(rnd.sample(range(len(units)), min(HOUSEHOLDS_PER_BUILDING, len(units))))
        for index in occupied:
            day = data.today - dt.timedelta(days=rnd.randint(20, 7 * 365))
            current.append(_move_in(data, units[index], day, desk, records))
    records.save()  # before the move-outs, which return the cards
    # Unit history: some households moved out and a new one moved in.
    for household in rnd.sample(current, MOVED_OUT_PER_PROJECT):
        out_on = data.today - dt.timedelta(days=rnd.randint(5, 15))
        if out_on <= household.moved_in_on:
            out_on = household.moved_in_on + dt.timedelta(days=1)
        with time_machine.travel(_on(out_on), tick=False):
            services.household_move_out(household=household, moved_out_on=out_on, by=desk)
        current.remove(household)
        new_day = min(out_on + dt.timedelta(days=rnd.randint(1, 4)), data.today)
        current.append(_move_in(data, household.unit, new_day, desk, records))
    records.save()
    services.note_add(household=current[0], text="业主要求快递放前台代收，周末上门取件。", by=desk)
    services.note_add(
        household=current[1], text="家中有行动不便老人，停水停电请提前电话通知。", by=desk
    )
    data.households[code] = current


def load_decorations(data: DemoData) -> None:
    """A few decorations at every stage, on recently moved-in households."""
    desk = data.staff["desk"]
    engineer = data.staff["engineer"]
    stages = [
        DecorationStatus.APPLIED,
        DecorationStatus.APPROVED,
        DecorationStatus.IN_PROGRESS,
        DecorationStatus.INSPECTED,
    ]
    for households in data.households.values():
        recent = sorted(households, key=lambda h: h.moved_in_on, reverse=True)[: len(stages)]
        for index, (household, stage) in enumerate(zip(recent, stages, strict=True)):
            start = max(household.moved_in_on, data.today - dt.timedelta(days=30)) + dt.timedelta(
                days=3
            )
            description, contractor = DECORATIONS[index % len(DECORATIONS)]
            decoration = services.decoration_apply(
                household=household,
                by=desk,
                data={
                    "applied_on": start - dt.timedelta(days=3),
                    "description": description,
                    "contractor": contractor,
                    "contractor_phone": data.faker.phone_number(),
                    "planned_start": start,
                    "planned_end": start + dt.timedelta(days=60),
                    "deposit": Decimal("2000.00"),
                },
            )
            if stage == DecorationStatus.APPLIED:
                continue
            services.decoration_set_status(
                decoration=decoration, status=DecorationStatus.APPROVED, by=desk
            )
            for _worker in range(data.random.randint(2, 4)):
                gender = data.random.choice([Gender.MALE, Gender.MALE, Gender.FEMALE])
                services.decoration_pass_issue(
                    decoration=decoration,
                    name=_name(data, gender),
                    phone=data.faker.phone_number(),
                    id_number=_id_number(data, gender, 22, 55),
                    valid_until=start + dt.timedelta(days=60),
                    by=desk,
                )
            if stage == DecorationStatus.APPROVED:
                continue
            services.decoration_set_status(
                decoration=decoration, status=DecorationStatus.IN_PROGRESS, by=desk
            )
            services.decoration_inspect(
                decoration=decoration,
                kind=InspectionKind.CONCEALED,
                inspected_on=min(start + dt.timedelta(days=10), data.today),
                result=InspectionResult.PASSED,
                notes="水电隐蔽工程验收合格",
                by=engineer,
            )
            if stage == DecorationStatus.INSPECTED:
                services.decoration_inspect(
                    decoration=decoration,
                    kind=InspectionKind.FINAL,
                    inspected_on=data.today,
                    result=InspectionResult.PASSED,
                    notes="竣工验收通过，押金待退",
                    by=engineer,
                )


def load_desk_records(data: DemoData) -> None:
    """A day of the desk's own records (`frontdesk.desk.demo_records`)."""
    from .demo_records import load as load_records

    load_records(data)


def _on(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment of a past day, when the desk would have recorded what happened on it."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def load_tickets(data: DemoData) -> None:
    """Months of past orders, complaints and monthly statistics, then work orders of every
    kind at telling steps today, in each project. The notices of the past are read."""
    now = timezone.now()
    for code, project in data.projects.items():
        settled = [
            h for h in data.households[code] if h.moved_in_on < data.today - dt.timedelta(days=250)
        ]
        seed_demo_history(
            project,
            desk=data.staff["desk"],
            engineer=data.staff["engineer"],
            supervisor=data.staff["supervisor"],
            butlers=data.staff_of(code, Role.BUTLER),
            households=settled[:40],
            now=now,
        )
    Project.objects.filter(pk__in=[p.pk for p in data.projects.values()]).update(
        # The start of the history's first period, not earlier: the catch-up job issues no
        # empty months before it.
        created_at=statistics.period_bounds(
            statistics.period_before(statistics.period_of(now), len(COMPLAINTS_PER_MONTH))
        )[0]
    )
    Notification.objects.filter(created_at__lt=now, read_at__isnull=True).update(
        read_at=F("deliver_at")
    )
    for code, project in data.projects.items():
        seed_demo_tickets(
            project,
            desk=data.staff["desk"],
            engineer=data.staff["engineer"],
            butler=data.staff_of(code, Role.BUTLER)[0],
            supervisor=data.staff["supervisor"],
            cleaner=data.staff["cleaner"],
            gardener=data.staff["greener"],
        )
