"""The work-order part of the benchmark dataset: two years of orders of twenty projects.

Built on the households part: its two big estates plus eighteen small ones
(bench-p03 ... bench-p20, a few hundred households each, loaded the same way),
a handful of staff per project, and `ORDERS` work orders (1,000,000 by default,
`configure()` or `bench/run.py --orders N`) registered from 2024-11-21 to
2026-11-20 across the five kinds. Project 1 (bench-east) takes about 45 % of
them, project 2 about 30 %, the small ones the rest; project 1's October 2026
holds 2 % of them (20,000 at full scale: the month the statistics read).

Every order carries what the services would have written: serial numbers
numbered per project, kind and year without gaps (and the `sequences` counters
set so that the services number the next one), the timeline of each step
(TicketEvent), the promises of the process as deadlines (met, cancelled or
open), the complaint's record, the callbacks, the resident's rating, slipped
promises and the printing of the order. The newest 3 % are still open, each
in the state the deadline sweep would have left at `SWEEP_AT`: its warnings,
breaches and escalations acted on as they came, so a sweep at `SWEEP_AT`
finds nothing new to do.

Rows are generated in Python as COPY text, written to temporary files in one
pass, then copied table by table in one transaction with the big tables'
secondary indexes dropped and rebuilt around the COPY.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from sequences.models import Sequence as CounterRow

from frontdesk.core import deadlines as promises
from frontdesk.core.calendar import calendar_for
from frontdesk.core.models import (
    Deadline,
    DeadlineEvent,
    DeadlinePause,
    Membership,
    Project,
)
from frontdesk.core.roles import Role
from residents.models import Building, Household, Person
from tickets.choices import (
    DEFAULT_EMERGENCY_WORDS,
    DEFAULT_MAJOR_PLACES,
    SERIAL_PREFIX,
    TicketKind,
)
from tickets.models import (
    Callback,
    ComplaintDetail,
    PromiseSlip,
    ReportSettings,
    ResidentRating,
    Ticket,
    TicketEvent,
    TicketSettings,
)

from . import dataset
from .dataset import LAST_DAY, Log, Part, ProjectPlan

ORDERS = 1_000_000
SEED = dataset.SEED + 7
FIRST_DAY = dt.date(2024, 11, 21)
ZONE = ZoneInfo("Asia/Shanghai")
# The moment the loaded state stands at: every step of every order is before it, and
# the open deadlines are as a sweep running every minute until then has left them.
SWEEP_AT = dt.datetime(2026, 11, 20, 22, 0, tzinfo=ZONE)
OPEN_SHARE = 0.03
# Shares of the orders: project 1, project 2; the small projects share the rest.
PROJECT_SHARES = (0.45, 0.30)
# Project 1's October 2026, the month the statistics measurements read.
BUSY_MONTH = (2026, 10)
BUSY_MONTH_SHARE = 0.02
# The household of project 1 with exactly fifty orders (its unit's code).
FIFTY_ORDERS_UNIT = "8-1808"
FIFTY = 50

_SMALL_NAMES = (
    "锦绣华庭 翠湖苑 金桂园 碧水湾 阳光新城 枫林雅居 紫荆花园 海棠苑 银杏小区 "
    "康乐家园 丽景湾 御景华府 望江苑 明珠花园 绿洲雅苑 和平里 春晖园 星河湾"
).split()
SMALL_PLANS = [
    ProjectPlan(f"bench-p{n:02d}", name, 2 + n % 2, dt.date(2008 + n % 10, 1 + n % 12, 15))
    for n, name in enumerate(_SMALL_NAMES, start=3)
]
SMALL_FLOORS = 12
SMALL_UNITS_PER_FLOOR = 8

KIND_SHARES = {
    TicketKind.REPAIR: 50,
    TicketKind.COMPLAINT: 8,
    TicketKind.HOUSEKEEPING: 17,
    TicketKind.GREENING: 5,
    TicketKind.CONVENIENCE: 20,
}


def configure(orders: int) -> None:
    """Set the number of work orders the part loads (1,000,000 by default)."""
    global ORDERS
    if orders < 100:
        raise ValueError("the orders part needs at least 100 orders")
    ORDERS = orders


def household_with_fifty_orders() -> Household:
    """The current household of project 1 with exactly fifty orders."""
    return Household.objects.select_related("unit").get(
        project__code=dataset.PROJECT_PLANS[0].code,
        unit__code=FIFTY_ORDERS_UNIT,
        moved_out_on__isnull=True,
    )


# --- The part --------------------------------------------------------------------------

ORDER_MODELS: list[type[Model]] = [
    Ticket,
    TicketEvent,
    ComplaintDetail,
    Callback,
    PromiseSlip,
    ResidentRating,
    Deadline,
    DeadlineEvent,
    DeadlinePause,
]


def _bench_projects() -> list[str]:
    return [p.code for p in dataset.PROJECT_PLANS + SMALL_PLANS]


def is_loaded() -> bool:
    """The twenty projects are there and hold exactly `ORDERS` loaded orders (those registered
    by `SWEEP_AT`; the orders a benchmark run registers through the API come after it)."""
    codes = _bench_projects()
    if Project.objects.filter(code__in=codes).count() != len(codes):
        return False
    return Ticket.objects.filter(created_at__lte=SWEEP_AT).count() == ORDERS


def build(log: Log) -> None:
    dataset._refuse_shared_database()
    with transaction.atomic():
        if Ticket.objects.exists():
            log(f"  {Ticket.objects.count():,} orders at another scale: removing the order rows")
            _truncate_orders()
        _OrdersBuilder(log).run()
    dataset._vacuum_analyze([*ORDER_MODELS, CounterRow], log)


def _truncate_orders() -> None:
    """Empty the order tables (and what refers to them), never the households."""
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in ORDER_MODELS)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")
    CounterRow.objects.filter(name__startswith="ticket:").delete()


def order_sizes() -> dict[str, int]:
    return {
        "work orders": Ticket.objects.count(),
        "work orders open": Ticket.objects.exclude(status__in=["closed", "voided"]).count(),
        "order events": TicketEvent.objects.count(),
        "complaints": ComplaintDetail.objects.count(),
        "callbacks": Callback.objects.count(),
        "deadlines": Deadline.objects.count(),
        "deadlines open": Deadline.objects.filter(state="open").count(),
        "deadline events": DeadlineEvent.objects.count(),
    }


dataset.MORE_PLANS.extend(p for p in SMALL_PLANS if p not in dataset.MORE_PLANS)
if not any(p.name == "orders" for p in dataset.PARTS):
    dataset.PARTS.append(Part("orders", is_loaded, build))
    dataset.SIZES.append(order_sizes)


# --- Small estates ---------------------------------------------------------------------


class _SmallEstates(dataset._HouseholdsBuilder):
    """The eighteen small estates, built like the big ones (their own seed and sizes)."""

    def __init__(self, log: Log) -> None:
        floors, per_floor = SMALL_FLOORS, SMALL_UNITS_PER_FLOOR
        units = sum(p.buildings for p in SMALL_PLANS) * floors * per_floor
        super().__init__(
            log,
            plans=SMALL_PLANS,
            floors=floors,
            units_per_floor=per_floor,
            households=round(units * 1.08),
            seed=SEED,
        )
        # Mobiles stay unique across the whole dataset.
        self.people.phones = set(
            Person.objects.exclude(phone="").values_list("phone", flat=True).iterator()
        )

    def staff(self) -> tuple[list[Project], Any]:
        projects = [
            Project.objects.create(code=p.code, name=p.name, address=f"{p.name}服务中心")
            for p in self.plans
        ]
        return projects, get_user_model().objects.get(username=dataset.DESK_USERNAME)


# --- Minutes ---------------------------------------------------------------------------
# Every moment is an integer: minutes since 2024-01-01 00:00 Beijing time (a Monday; the
# zone has no daylight saving). Written as text through two small tables.

_BASE = dt.date(2024, 1, 1)
_BASE_AT = dt.datetime(2024, 1, 1, tzinfo=ZONE)
_DAY = 1440
_DAYS = [(_BASE + dt.timedelta(days=d)).isoformat() for d in range(4 * 366)]
_HM = [f" {t // 60:02d}:{t % 60:02d}:00+08" for t in range(_DAY)]
N = r"\N"


def _ts(m: int | None) -> str:
    if m is None:
        return N
    return _DAYS[m // _DAY] + _HM[m % _DAY]


def _minute(moment: dt.datetime) -> int:
    return int((moment - _BASE_AT).total_seconds() // 60)


def _moment(m: int) -> dt.datetime:
    return _BASE_AT + dt.timedelta(minutes=m)


def _day_index(day: dt.date) -> int:
    return (day - _BASE).days


# The default week of frontdesk.core.calendar (the projects have no windows of their own):
# Monday to Friday, 08:30-12:00 and 13:30-17:30.
_WINDOWS = ((510, 720), (810, 1050))
_DAY_END = 1050


def _end_of_day(m: int) -> int:
    d, t = divmod(m, _DAY)
    if d % 7 < 5 and t < _DAY_END:
        return d * _DAY + _DAY_END
    d += 1
    while d % 7 >= 5:
        d += 1
    return d * _DAY + _DAY_END


def _add_working(m: int, minutes: int) -> int:
    if minutes <= 0:
        return m
    while True:
        d, t = divmod(m, _DAY)
        if d % 7 < 5:
            for start, end in _WINDOWS:
                if t < end:
                    s = max(t, start)
                    if minutes <= end - s:
                        return d * _DAY + s + minutes
                    minutes -= end - s
                    t = end
        m = (d + 1) * _DAY


# --- What the orders are about ---------------------------------------------------------

# (matter, public place or "", what was done)
_REPAIRS = [
    ("厨房水龙头漏水", "", "更换水龙头阀芯"),
    ("卫生间下水道堵塞", "", "疏通下水道"),
    ("客厅灯不亮", "", "更换灯具镇流器"),
    ("空调不制冷", "", "清洗滤网并补充冷媒"),
    ("入户门锁坏了", "", "更换门锁锁芯"),
    ("窗户关不严", "", "调整窗扇合页"),
    ("热水器不出热水", "", "更换点火器"),
    ("墙面渗水", "", "外墙补漏处理"),
    ("插座没电", "", "更换漏电开关"),
    ("马桶水箱漏水", "", "更换水箱配件"),
    ("阳台地漏反水", "", "疏通地漏"),
    ("对讲门铃不响", "", "更换对讲分机"),
    ("家里爆管跑水", "", "关阀抢修更换管件"),
    ("全屋停电", "", "更换总开关"),
    ("楼道灯不亮", "corridor", "更换声控灯"),
    ("电梯按钮失灵", "lift", "更换按钮面板"),
    ("电梯困人", "lift", "解救被困人员并检修"),
    ("大堂门禁故障", "lobby", "更换门禁读卡器"),
    ("楼梯扶手松动", "stairwell", "加固扶手"),
    ("地库照明损坏", "car_park", "更换灯管"),
]
_COMPLAINTS = [
    ("cleaning", "service_quality", "楼道垃圾未及时清运", "保洁员排班调整后漏扫", "已加派保洁"),
    ("security", "service_attitude", "保安态度生硬", "岗亭保安沟通方式不当", "已批评教育"),
    ("engineering", "service_quality", "维修后仍然漏水", "上次维修未彻底处理", "已安排返修"),
    ("greening", "service_quality", "绿化带长期未修剪", "绿化养护计划滞后", "本周内修剪"),
    ("decoration", "service_quality", "邻居装修噪音扰民", "装修户违规时段施工", "已约谈装修户"),
    ("attitude", "service_attitude", "前台接待不耐烦", "前台高峰期接待不周", "已培训整改"),
    ("engineering", "elevator", "电梯频繁故障", "电梯门机老化", "已更换门机"),
    ("mail", "service_quality", "快递丢失", "代收登记遗漏", "已协助找回"),
    ("other", "water", "停水未提前通知", "通知未张贴到单元", "今后提前一天通知"),
]
_HOUSEKEEPING = [("日常保洁", "完成保洁"), ("深度保洁", "完成深度保洁"), ("擦玻璃", "玻璃擦拭完毕")]
_HOUSEKEEPING += [("油烟机清洗", "油烟机清洗完毕"), ("开荒保洁", "完成开荒保洁")]
_GREENING = [
    ("阳台花木修剪", "", "修剪完毕"),
    ("私家花园除草", "", "除草完毕"),
    ("草坪修剪", "grounds", "草坪修剪完毕"),
    ("树木修枝", "grounds", "修枝完毕"),
]
_CONVENIENCE = [
    ("搬运家具", "搬运完毕"),
    ("更换灯泡", "已更换"),
    ("代购桶装水", "已送达"),
    ("安装晾衣架", "安装完毕"),
    ("代收大件快递", "已送达"),
]
_SATISFACTION = (("satisfied", 85), ("basically_satisfied", 12), ("not_satisfied", 3))
_DEPARTMENT = {
    TicketKind.REPAIR: "engineering",
    TicketKind.HOUSEKEEPING: "cleaning",
    TicketKind.GREENING: "greening",
    TicketKind.CONVENIENCE: "customer_service",
    TicketKind.COMPLAINT: "",
}
_ESCALATION = "supervisor,manager"


def _weight(matter: str, place: str) -> str:
    if any(word in matter for word in DEFAULT_EMERGENCY_WORDS):
        return "emergency"
    if place and place in DEFAULT_MAJOR_PLACES:
        return "major"
    return "general"


# --- Staff -----------------------------------------------------------------------------

# Per project: (who, role, how many, title)
_STAFF = [
    ("desk", Role.DESK, 1, "前台"),
    ("engineer", Role.ENGINEERING, 3, "维修工"),
    ("cleaner", Role.CLEANING, 2, "保洁员"),
    ("gardener", Role.GREENING, 1, "绿化工"),
    ("service", Role.DESK, 1, "客服"),  # the convenience services
    ("butler", Role.BUTLER, 2, "管家"),
]


@dataclass
class _Staff:
    desk: int
    engineers: list[int]
    cleaners: list[int]
    gardeners: list[int]
    service: list[int]
    butlers: list[int]

    def workers(self, department: str) -> list[int]:
        return {
            "engineering": self.engineers,
            "cleaning": self.cleaners,
            "greening": self.gardeners,
            "customer_service": self.service,
        }[department]


def _staff(projects: list[Project]) -> dict[int, _Staff]:
    """The staff of each project: made once (the desk user of project 1 is bench-desk)."""
    users = get_user_model()
    groups = {
        g.name: g for g in Group.objects.filter(name__in=[str(r) for _w, r, _n, _t in _STAFF])
    }
    desk_user = users.objects.get(username=dataset.DESK_USERNAME)
    staff: dict[int, _Staff] = {}
    for index, project in enumerate(projects):
        made: dict[str, list[int]] = {}
        for who, role, count, title in _STAFF:
            for n in range(1, count + 1):
                if index == 0 and who == "desk":
                    user = desk_user
                else:
                    user, created = users.objects.get_or_create(
                        username=f"{project.code}-{who}-{n}",
                        defaults={"first_name": f"{title}{n}号", "last_name": project.name},
                    )
                    if created:
                        user.set_unusable_password()
                        user.save(update_fields=["password"])
                        user.groups.add(groups[str(role)])
                        Membership.objects.create(user=user, project=project)
                made.setdefault(who, []).append(user.pk)
        staff[project.pk] = _Staff(
            desk=made["desk"][0],
            engineers=made["engineer"],
            cleaners=made["cleaner"],
            gardeners=made["gardener"],
            service=made["service"],
            butlers=made["butler"],
        )
        TicketSettings.objects.get_or_create(project=project)
        ReportSettings.objects.get_or_create(project=project)
    return staff


# --- Orders ------------------------------------------------------------------------------

_TICKET_COLUMNS = (
    "id project_id kind serial status household_id building_id place location reporter_name "
    "reporter_phone matter description source priority appointment_at address_confirmed "
    "confirmed_time_at due_at department assignee_id created_by_id done_by_id paid is_hourly "
    "fee_quote fee_acknowledged_at priced_at priced_by_id priced_with_id fee_charged "
    "material_cost rework_of_id complaint_from_id created_at dispatched_at accepted_at "
    "arrived_at done_at returned_at visited_at closed_at return_late_reason result paused_from "
    "pause_reason close_reason voided_at void_reason voided_by_id print_count follow_up_count "
    "updated_at"
).split()
_EVENT_COLUMNS = "id ticket_id at actor_id action from_status to_status note data".split()
_COMPLAINT_COLUMNS = (
    "id ticket_id category reason temper resident_wants butler_id butler_reply_due_at "
    "answer_due_at investigated_at findings butler_replied_at butler_reply answer answered_at "
    "butler_signed_off_at resident_confirmed_at referred_to referred_at referral_note decision "
    "decided_at decided_by_id close_tracking valid cause lesson change marked_at marked_by_id"
).split()
_CALLBACK_COLUMNS = (
    "id ticket_id at by_id reached attitude quality improper_charge improper_charge_note "
    "satisfaction comment follow_up follow_up_ticket_id"
).split()
_SLIP_COLUMNS = "id ticket_id reason remedy told_resident_at by_id created_at".split()
_RATING_COLUMNS = "id ticket_id at satisfaction comment".split()
_DEADLINE_COLUMNS = (
    "id project_id kind subject_type_id subject_id subject_label url responsible_id "
    "responsible_role counting is_emergency recurs start_at due_at state met_at met_by_id "
    "cancelled_at cancel_reason paused_at marked_overdue_at warn_at escalation_roles "
    "escalate_after_minutes stage next_action_at created_at"
).split()
_DEADLINE_EVENT_COLUMNS = "id deadline_id stage scheduled_at acted_at notified".split()
_PAUSE_COLUMNS = "id deadline_id reason paused_at paused_by_id resumed_at resumed_by_id".split()

TABLES: list[tuple[type[Model], list[str]]] = [
    (Ticket, _TICKET_COLUMNS),
    (TicketEvent, _EVENT_COLUMNS),
    (ComplaintDetail, _COMPLAINT_COLUMNS),
    (Callback, _CALLBACK_COLUMNS),
    (PromiseSlip, _SLIP_COLUMNS),
    (ResidentRating, _RATING_COLUMNS),
    (Deadline, _DEADLINE_COLUMNS),
    (DeadlineEvent, _DEADLINE_EVENT_COLUMNS),
    (DeadlinePause, _PAUSE_COLUMNS),
]

_STAGE_CODES = {1: "warning", 2: "overdue", 3: "escalation-1", 4: "escalation-2"}


def _b(value: bool) -> str:
    return "t" if value else "f"


def _i(value: int | None) -> str:
    return N if value is None else str(value)


@dataclass
class _Project:
    id: int
    index: int
    code: str
    buildings: list[int]
    # Households: ids, building ids, first and last day index they lived there.
    homes: list[tuple[int, int, int, int]] = field(default_factory=list)
    staff: _Staff | None = None


@dataclass
class _Step:
    action: str
    at: int
    actor: int | None
    to: str  # the status after the step ("" keeps it)
    note: str = ""
    data: str = "{}"


# Open statuses an order may be left in, by how long ago it was registered.
_OPEN_TARGETS = {
    "fresh": (("registered", 30), ("dispatched", 30), ("accepted", 20), ("arrived", 20)),
    "recent": (("accepted", 20), ("arrived", 20), ("done", 20), ("returned", 25), ("paused", 15)),
    "old": (("paused", 35), ("returned", 25), ("done", 15), ("visited", 15), ("arrived", 10)),
}
# The step that reaches each open status (a complaint's own steps where they differ).
_REACHED_BY = {
    "registered": "register",
    "dispatched": "dispatch",
    "accepted": "accept",
    "arrived": "arrive",
    "paused": "arrive",
    "done": "complete",
    "returned": "return",
    "visited": "callback",
}
_COMPLAINT_REACHED_BY = {
    **_REACHED_BY,
    "accepted": "butler_reply",
    "arrived": "butler_reply",
    "paused": "butler_reply",
    "done": "answer",
    "returned": "sign_off",
}


class _Out:
    """One temporary file of COPY text per table, and the next id of each."""

    def __init__(self) -> None:
        self.files: dict[type[Model], IO[str]] = {}
        self.ids: dict[type[Model], int] = {}
        self.counts: Counter[type[Model]] = Counter()
        for model, _columns in TABLES:
            self.files[model] = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
            self.ids[model] = dataset._next_id(model)

    def add(self, model: type[Model], fields: list[str]) -> int:
        """Write one row (its fields after the id); returns the id given."""
        row_id = self.ids[model]
        self.ids[model] = row_id + 1
        self.counts[model] += 1
        self.files[model].write(f"{row_id}\t" + "\t".join(fields) + "\n")
        return row_id

    def close(self) -> None:
        for f in self.files.values():
            f.close()


class _OrdersBuilder:
    def __init__(self, log: Log) -> None:
        self.log = log
        self.rng = random.Random(SEED)

    def run(self) -> None:
        started = time.perf_counter()
        codes = _bench_projects()
        if Project.objects.filter(code__in=[p.code for p in SMALL_PLANS]).count() != len(
            SMALL_PLANS
        ):
            _SmallEstates(self.log).run()
        projects = sorted(Project.objects.filter(code__in=codes), key=lambda p: codes.index(p.code))
        staff = _staff(projects)
        self.projects = [
            _Project(
                p.pk,
                i,
                p.code,
                list(
                    Building.objects.filter(project=p)
                    .order_by("number")
                    .values_list("id", flat=True)
                ),
            )
            for i, p in enumerate(projects)
        ]
        by_id = {p.id: p for p in self.projects}
        for p in self.projects:
            p.staff = staff[p.id]
        far = _day_index(LAST_DAY) + 1
        for hid, pid, building, moved_in, moved_out in (
            Household.objects.filter(project__in=projects)
            .order_by("id")
            .values_list("id", "project_id", "unit__building_id", "moved_in_on", "moved_out_on")
            .iterator(chunk_size=20_000)
        ):
            by_id[pid].homes.append(
                (hid, building, _day_index(moved_in), _day_index(moved_out) if moved_out else far)
            )
        self.fifty = self.fifty_household()
        self.supervisor = dataset._supervisor().pk
        self.log(
            f"  20 projects, staff and households ready in {time.perf_counter() - started:.1f} s"
        )

        with translation.override(settings.LANGUAGE_CODE):
            self.texts = {
                "on_site": gettext("The worker is on site."),
                "work_done": gettext("The work is done."),
                "answered": gettext("The resident has the answer."),
                "closed": gettext("The order is closed."),
                "confirmed": gettext("The resident confirmed the matter closed."),
            }
        self.ticket_type = ContentType.objects.get_for_model(Ticket).pk
        self.url = reverse("tickets:detail", args=[1]).replace("/1/", "/{}/")
        self.calendar = calendar_for(self.projects[0].id)

        started = time.perf_counter()
        out = _Out()
        try:
            self.generate(out)
            sizes = ", ".join(f"{out.counts[m]:,} {m._meta.db_table}" for m, _c in TABLES)
            self.log(f"  generated {sizes} in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            self.copy(out)
        finally:
            out.close()
        self.set_counters()
        for model, _columns in TABLES:
            dataset._sync_id_sequence(model)
        self.log(f"  copied and indexed in {time.perf_counter() - started:.1f} s")

    def fifty_household(self) -> tuple[int, int, int, int]:
        first = self.projects[0]
        unit = (
            Household.objects.filter(
                project_id=first.id, unit__code=FIFTY_ORDERS_UNIT, moved_out_on__isnull=True
            )
            .values_list("id", flat=True)
            .first()
        )
        if unit is None:
            raise SystemExit(f"Project 1 has no current household in unit {FIFTY_ORDERS_UNIT}.")
        home = next(h for h in first.homes if h[0] == unit)
        first.homes.remove(home)  # its orders are exactly the fifty given to it
        return home

    # --- How many orders, when ----------------------------------------------------------

    def day_counts(self) -> list[list[int]]:
        """Orders per project and day: weekdays busier, slowly growing, project 1's busy month."""
        days = (LAST_DAY - FIRST_DAY).days + 1
        small = len(self.projects) - len(PROJECT_SHARES)
        shares = list(PROJECT_SHARES) + [(1 - sum(PROJECT_SHARES)) / small] * small
        totals = _apportion(ORDERS, shares)
        weights = []
        for d in range(days):
            day = FIRST_DAY + dt.timedelta(days=d)
            weights.append((0.75 if day.weekday() >= 5 else 1.0) * (0.9 + 0.2 * d / days))
        counts = []
        for index, total in enumerate(totals):
            if index == 0:
                busy = [
                    d
                    for d in range(days)
                    if (FIRST_DAY + dt.timedelta(days=d)).timetuple()[:2] == BUSY_MONTH
                ]
                in_month = round(ORDERS * BUSY_MONTH_SHARE)
                in_busy = set(busy)
                rest = [d for d in range(days) if d not in in_busy]
                row = [0] * days
                for d, n in zip(
                    busy, _apportion(in_month, [weights[d] for d in busy]), strict=True
                ):
                    row[d] = n
                for d, n in zip(
                    rest, _apportion(total - in_month, [weights[d] for d in rest]), strict=True
                ):
                    row[d] = n
            else:
                row = _apportion(total, weights)
            counts.append(row)
        return counts

    # --- Generation ---------------------------------------------------------------------

    def generate(self, out: _Out) -> None:
        rng = self.rng
        counts = self.day_counts()
        days = len(counts[0])
        open_from = ORDERS - round(ORDERS * OPEN_SHARE)
        kinds = list(KIND_SHARES)
        kind_weights = list(KIND_SHARES.values())
        first = self.projects[0]
        fifty_day = max(self.fifty[2] + 1, _day_index(FIRST_DAY))
        p1_total = sum(counts[0][d] for d in range(days) if _day_index(FIRST_DAY) + d >= fifty_day)
        p1_seen = 0
        fifty_at = set(rng.sample(range(p1_total), min(FIFTY, p1_total)))
        self.serials: Counter[tuple[int, str, int]] = Counter()
        self.sweep = _minute(SWEEP_AT)
        index = 0
        for d in range(days):
            day = _day_index(FIRST_DAY) + d
            today: list[tuple[int, _Project]] = []
            for project in self.projects:
                for _n in range(counts[project.index][d]):
                    # Registered between 07:00 and 21:00, most in working hours.
                    minute = 420 + int(rng.triangular(0, 840, 240))
                    today.append((day * _DAY + minute, project))
            today.sort(key=lambda o: o[0])
            for created, project in today:
                kind = rng.choices(kinds, kind_weights)[0]
                home = None
                if project is first and day >= fifty_day:
                    if p1_seen in fifty_at:
                        home = self.fifty
                    p1_seen += 1
                self.order(out, project, kind, created, index >= open_from, home)
                index += 1

    def pick_home(self, project: _Project, day: int) -> tuple[int, int, int, int]:
        rng = self.rng
        homes = project.homes
        for _attempt in range(8):
            home = homes[rng.randrange(len(homes))]
            if home[2] <= day <= home[3]:
                return home
        return home

    def order(
        self,
        out: _Out,
        p: _Project,
        kind: str,
        c: int,
        keep_open: bool,
        home: tuple[int, int, int, int] | None,
    ) -> None:
        rng = self.rng
        staff = p.staff
        assert staff is not None
        desk = staff.desk
        place = ""
        appointment = None
        paid = kind in {TicketKind.HOUSEKEEPING, TicketKind.GREENING, TicketKind.CONVENIENCE}
        hourly = False
        fee = None
        detail = None
        if kind == TicketKind.REPAIR:
            matter, place, result = _REPAIRS[rng.randrange(len(_REPAIRS))]
            if place and home is not None:
                matter, place, result = _REPAIRS[rng.randrange(14)]
            paid = rng.random() < 0.15 and not place
            if paid:
                fee = 50 + 10 * rng.randrange(15)
        elif kind == TicketKind.COMPLAINT:
            detail = _COMPLAINTS[rng.randrange(len(_COMPLAINTS))]
            matter, result = detail[2], detail[4]
        elif kind == TicketKind.HOUSEKEEPING:
            matter, result = _HOUSEKEEPING[rng.randrange(len(_HOUSEKEEPING))]
            hourly = rng.random() < 0.6
            fee = 80 + 20 * rng.randrange(12)
        elif kind == TicketKind.GREENING:
            matter, place, result = _GREENING[rng.randrange(len(_GREENING))]
            if home is not None:
                matter, place, result = _GREENING[rng.randrange(2)]
            paid = not place
            fee = 50 + 10 * rng.randrange(15) if paid else None
        else:
            matter, result = _CONVENIENCE[rng.randrange(len(_CONVENIENCE))]
            fee = 20 + 10 * rng.randrange(8)
        if home is None and not place:
            home = self.pick_home(p, c // _DAY)
        if home is not None:
            household, building = home[0], home[1]
            place = ""
            reporter, phone = "", ""
        else:
            household = None
            building = p.buildings[rng.randrange(len(p.buildings))] if place != "grounds" else None
            reporter, phone = "巡查保安", f"1390000{rng.randrange(10000):04d}"
        weight = _weight(matter, place)
        priority = "emergency" if weight == "emergency" else "normal"
        department = _DEPARTMENT[kind]
        if kind in {TicketKind.HOUSEKEEPING, TicketKind.GREENING} and paid:
            # Booked for a later day: the time is confirmed with the customer on the call.
            appointment = (c // _DAY + 1 + rng.randrange(3)) * _DAY + 540 + 30 * rng.randrange(14)
        workers = staff.workers(department) if department else staff.butlers
        worker = workers[rng.randrange(len(workers))]
        butler = staff.butlers[rng.randrange(len(staff.butlers))]

        # --- The steps, as the services take them -------------------------------------
        year = int(_DAYS[c // _DAY][:4])
        key = (p.id, kind, year)
        self.serials[key] += 1
        serial = f"{SERIAL_PREFIX[kind]}-{year}-{self.serials[key]:06d}"
        steps = [_Step("register", c, desk, "registered", data=_register_data(serial, weight))]
        if weight == "emergency":
            word = next(w for w in DEFAULT_EMERGENCY_WORDS if w in matter)
            steps.append(
                _Step(
                    "emergency",
                    c,
                    desk,
                    "",
                    word,
                    f'{{"from": "normal", "to": "emergency", "word": "{word}"}}',
                )
            )
        t = c
        printed = False
        if kind == TicketKind.COMPLAINT:
            assert detail is not None
            t += 3 + rng.randrange(15)
            if rng.random() < 0.7:
                steps.append(_Step("commit", t, desk, "", "管家跟进处理并答复"))
            t += 2 + rng.randrange(20)
            steps.append(_Step("dispatch", t, desk, "dispatched", data=f'{{"butler": {butler}}}'))
            investigate = t + 30 + rng.randrange(240)
            reply = t + 60 + rng.randrange(300)
            steps.append(_Step("investigate", investigate, butler, "", detail[3]))
            steps.append(_Step("butler_reply", reply, butler, "accepted", detail[4]))
            t = max(investigate, reply) + 600 + rng.randrange(2 * _DAY)
            steps.append(_Step("answer", t, desk, "done", detail[4], '{"late": false}'))
            t += 30 + rng.randrange(600)
            steps.append(_Step("sign_off", t, butler, "returned"))
        else:
            if paid:
                if kind in {TicketKind.GREENING, TicketKind.HOUSEKEEPING} and not hourly:
                    t += 30 + rng.randrange(240)
                    steps.append(
                        _Step(
                            "price",
                            t,
                            butler,
                            "",
                            data=f'{{"price": "{fee}.00", "lead": {staff.engineers[0]}}}',
                        )
                    )
                else:
                    t += 2 + rng.randrange(8)
                    steps.append(_Step("acknowledge_quote", t, desk, ""))
            committed = appointment is None and rng.random() < 0.75
            if committed:
                t += 3 + rng.randrange(15)
                steps.append(_Step("commit", t, desk, "", result))
            t += 2 + rng.randrange(25)
            steps.append(
                _Step(
                    "dispatch",
                    t,
                    desk,
                    "dispatched",
                    data=f'{{"department": "{department}", "assignee": {worker}}}',
                )
            )
            if rng.random() < 0.4:
                printed = True
                steps.append(_Step("print", t + 1, desk, "", data='{"copy": 1}'))
            if rng.random() < 0.7:
                t += 5 + rng.randrange(40)
                steps.append(_Step("accept", t, worker, "accepted"))
            t += 15 + rng.randrange(100)
            if appointment is not None:
                t = max(t, appointment)
            steps.append(_Step("arrive", t, worker, "arrived"))
            t += 20 + rng.randrange(160)
            fee_data = f'"{fee}.00"' if paid else "null"
            steps.append(
                _Step(
                    "complete",
                    t,
                    worker,
                    "done",
                    result,
                    f'{{"fee_charged": {fee_data}, "material_cost": null}}',
                )
            )
            t += 10 + int(rng.expovariate(1 / 180))
            steps.append(_Step("return", t, desk, "returned"))
        # The callback (an unreached call first, now and then), the close, the rating.
        if rng.random() < 0.05:
            t += 60 + rng.randrange(240)
            steps.append(
                _Step(
                    "callback",
                    t,
                    desk,
                    "",
                    data='{"reached": false, "satisfaction": "", "improper_charge": false}',
                )
            )
        t += 30 + int(rng.expovariate(1 / 400))
        satisfaction = rng.choices(*zip(*_SATISFACTION, strict=True))[0]
        steps.append(
            _Step(
                "callback",
                t,
                desk,
                "visited",
                data=f'{{"reached": true, "satisfaction": "{satisfaction}", '
                '"improper_charge": false}',
            )
        )
        t += 1 + rng.randrange(30)
        steps.append(_Step("confirm" if detail else "close", t, desk, "closed"))
        if detail is not None and rng.random() < 0.6:
            steps.append(
                _Step("mark_valid", t + _DAY + rng.randrange(3 * _DAY), self.supervisor, "")
            )

        # --- Open: cut where the order stands at SWEEP_AT ------------------------------
        status_of_open = None
        if keep_open or steps[-1].at >= self.sweep:
            age = (self.sweep - c) / _DAY
            group = "fresh" if age < 0.5 else "recent" if age < 3 else "old"
            target = rng.choices(*zip(*_OPEN_TARGETS[group], strict=True))[0]
            reach = (_COMPLAINT_REACHED_BY if detail else _REACHED_BY)[target]
            if not any(s.action == reach for s in steps):
                reach = "dispatch"
            cut = next(i for i, s in enumerate(steps) if s.action == reach)
            # A callback that reached nobody stays with a returned order.
            if target == "returned" and steps[cut + 1].action == "callback":
                if '"reached": false' in steps[cut + 1].data:
                    cut += 1
            steps = steps[: cut + 1]
            while steps[-1].at >= self.sweep - 5:
                steps.pop()
            if target == "paused" and steps[-1].action in {"accept", "arrive", "butler_reply"}:
                pause_at = steps[-1].at + 30 + rng.randrange(600)
                if pause_at < self.sweep - 5:
                    steps.append(_Step("pause", pause_at, desk, "paused", "等待配件"))
            status_of_open = True
        self.write(
            out,
            p,
            kind=kind,
            serial=serial,
            steps=steps,
            is_open=status_of_open is not None,
            household=household,
            building=building,
            place=place,
            reporter=reporter,
            phone=phone,
            matter=matter,
            result=result,
            priority=priority,
            weight=weight,
            department=department,
            worker=worker if kind != TicketKind.COMPLAINT else butler,
            paid=paid,
            hourly=hourly,
            fee=fee,
            appointment=appointment,
            detail=detail,
            satisfaction=satisfaction,
            printed=printed,
        )

    def write(self, out: _Out, p: _Project, **o: Any) -> None:
        rng = self.rng
        steps: list[_Step] = o["steps"]
        staff = p.staff
        assert staff is not None
        desk = staff.desk
        at = {s.action: s.at for s in steps}  # the last step of each action
        c = steps[0].at
        kind = o["kind"]
        complaint = o["detail"] is not None
        status = "registered"
        paused_from = ""
        for s in steps:
            if s.to:
                if s.to == "paused":
                    paused_from = status
                status = s.to
        label = f"{o['serial']} {o['matter']}"[:200]

        # --- Deadlines (their due times are the project's default rules and calendar) ------
        deadlines: list[tuple[Any, ...]] = []  # kind, start, due, warn, counting, emerg, esc, ...

        def promise(
            dkind: str,
            start: int,
            due: int,
            counting: str,
            *,
            responsible: int | None,
            role: str = "",
            end: tuple[str, int, int | None, str] | None = None,
            paused: int | None = None,
            escalate: int = 60,
            emergency: bool = False,
        ) -> int:
            warn = due - 30 if due - 30 > start else None
            deadlines.append(
                (dkind, start, due, warn, counting, emergency, escalate, responsible, role, end)
            )
            if paused is not None:
                deadlines[-1] = (*deadlines[-1][:9], ("paused", paused, desk, "等待配件"))
            return due

        emergency = o["priority"] == "emergency"
        weight = o["weight"]
        commit_due = c + {"general": 30, "major": 360, "emergency": 15}[weight]
        if "commit" in at:
            commit_end = ("met", at["commit"], desk, "")
        elif o["appointment"] is not None and "dispatch" in at:
            commit_end = ("met", at["dispatch"], desk, "")
        elif "arrive" in at:
            commit_end = ("cancelled", at["arrive"], None, self.texts["on_site"])
        elif "answer" in at:
            commit_end = ("cancelled", at["answer"], None, self.texts["answered"])
        else:
            commit_end = None
        promise(
            f"commitment.{weight}",
            c,
            commit_due,
            "wall",
            responsible=desk,
            end=commit_end,
            escalate=5 if weight == "emergency" else 60,
            emergency=emergency or weight == "emergency",
        )
        due_at = _end_of_day(max(c, o["appointment"] or c))
        if complaint:
            promise(
                "complaint.investigation",
                c,
                _end_of_day(c),
                "working",
                responsible=desk,
                end=("met", at["investigate"], o["worker"], "") if "investigate" in at else None,
                emergency=emergency,
            )
            due_at = promise(
                "complaint.answer",
                c,
                c + 3 * _DAY,
                "wall",
                responsible=desk,
                end=("met", at["answer"], desk, "") if "answer" in at else None,
                emergency=emergency,
            )
            if "dispatch" in at:
                promise(
                    "complaint.butler_reply",
                    at["dispatch"],
                    _add_working(at["dispatch"], 240),
                    "working",
                    responsible=o["worker"],
                    end=(
                        ("met", at["butler_reply"], o["worker"], "")
                        if "butler_reply" in at
                        else None
                    ),
                    emergency=emergency,
                )
            back_step = "sign_off"
        else:
            if "dispatch" in at:
                start = max(at["dispatch"], o["appointment"] or 0)
                paid = o["paid"]
                due_at = promise(
                    "order.return_paid" if paid else "order.return_free",
                    start,
                    _add_working(start, 120) if paid else _end_of_day(start),
                    "working",
                    responsible=o["worker"],
                    end=("met", at["return"], desk, "") if "return" in at else None,
                    paused=at.get("pause"),
                    emergency=emergency,
                )
            back_step = "return"
        reached = [s for s in steps if s.action == "callback" and s.to == "visited"]
        if back_step in at:
            promise(
                "order.callback",
                at[back_step],
                _end_of_day(at[back_step]),
                "working",
                responsible=None,
                role="desk",
                end=("met", reached[0].at, desk, "") if reached else None,
                emergency=emergency,
            )
        late = False
        if "return" in at and not o["paid"] and not complaint:
            late = at["return"] > due_at
            if late:
                steps[[s.action for s in steps].index("return")].data = '{"late": true}'
                steps[[s.action for s in steps].index("return")].note = "等待配件，次日返单"

        # --- The order ----------------------------------------------------------------
        fee = o["fee"]
        money = f"{fee}.00" if fee is not None else N
        worker = o["worker"] if "dispatch" in at else None
        closed_at = at.get("close") or at.get("confirm")
        last = steps[-1].at
        ticket_id = out.ids[Ticket]
        prints = 1 if o["printed"] and "print" in at else 0
        out.add(
            Ticket,
            [
                str(p.id),
                kind,
                o["serial"],
                status,
                _i(o["household"]),
                _i(o["building"]),
                o["place"],
                "",
                o["reporter"],
                o["phone"],
                o["matter"],
                "",
                "phone" if rng.random() < 0.8 else "walk_in",
                o["priority"],
                _ts(o["appointment"]),
                _b(o["household"] is not None),
                _ts(c if o["appointment"] is not None else None),
                _ts(due_at),
                o["department"],
                _i(worker),
                str(desk),
                _i(o["worker"] if "complete" in at else None),
                _b(o["paid"]),
                _b(o["hourly"]),
                money if o["paid"] else N,
                _ts(at.get("price") or at.get("acknowledge_quote")),
                _ts(at.get("price")),
                _i(staff.butlers[0] if "price" in at else None),
                _i(staff.engineers[0] if "price" in at else None),
                money if o["paid"] and "complete" in at else N,
                N,
                N,
                N,
                _ts(c),
                _ts(at.get("dispatch")),
                _ts(at.get("accept") or at.get("butler_reply")),
                _ts(at.get("arrive")),
                _ts(at.get("complete") or at.get("answer")),
                _ts(at.get("return") or at.get("sign_off")),
                _ts(reached[0].at if reached else None),
                _ts(closed_at),
                "等待配件，次日返单" if late else "",
                o["result"] if "complete" in at else "",
                paused_from,
                "等待配件" if status == "paused" else "",
                "",
                N,
                "",
                N,
                str(prints),
                "0",
                _ts(last),
            ],
        )
        status_now = ""
        for s in steps:
            before = status_now
            if s.to:
                status_now = s.to
            out.add(
                TicketEvent,
                [
                    str(ticket_id),
                    _ts(s.at),
                    _i(s.actor),
                    s.action,
                    before if s.action != "register" else "",
                    status_now,
                    s.note,
                    s.data,
                ],
            )

        # --- Its records ----------------------------------------------------------------
        if complaint:
            category, reason, _matter, findings, answer = o["detail"]
            butler = o["worker"] if "dispatch" in at else None
            marked = at.get("mark_valid")
            valid = rng.random() < 0.7 if marked else None
            reply_due = _add_working(at["dispatch"], 240) if "dispatch" in at else None
            out.add(
                ComplaintDetail,
                [
                    str(ticket_id),
                    category,
                    reason,
                    "rational" if rng.random() < 0.7 else "disappointed",
                    "尽快解决",
                    _i(butler),
                    _ts(reply_due),
                    _ts(c + 3 * _DAY),
                    _ts(at.get("investigate")),
                    findings if "investigate" in at else "",
                    _ts(at.get("butler_reply")),
                    answer if "butler_reply" in at else "",
                    answer if "answer" in at else "",
                    _ts(at.get("answer")),
                    _ts(at.get("sign_off")),
                    _ts(at.get("confirm")),
                    "",
                    N,
                    "",
                    "",
                    N,
                    N,
                    "f",
                    N if valid is None else _b(valid),
                    findings if valid else "",
                    "纳入周例会通报" if valid else "",
                    "每周抽查" if valid else "",
                    _ts(marked),
                    _i(self.supervisor if marked else None),
                ],
            )
        for s in steps:
            if s.action != "callback":
                continue
            hit = s.to == "visited"
            out.add(
                Callback,
                [
                    str(ticket_id),
                    _ts(s.at),
                    str(desk),
                    _b(hit),
                    "good" if hit and not complaint else "",
                    "good" if hit and not complaint else "",
                    "f",
                    "",
                    o["satisfaction"] if hit else "",
                    "",
                    "",
                    N,
                ],
            )
        if closed_at is not None and rng.random() < 0.08:
            rated = closed_at + 60 + rng.randrange(_DAY)
            if rated < self.sweep:
                out.add(ResidentRating, [str(ticket_id), _ts(rated), o["satisfaction"], ""])
                out.add(
                    TicketEvent,
                    [
                        str(ticket_id),
                        _ts(rated),
                        N,
                        "rate",
                        status_now,
                        status_now,
                        "",
                        f'{{"satisfaction": "{o["satisfaction"]}"}}',
                    ],
                )
        if "dispatch" in at and rng.random() < 0.01:
            told = at["dispatch"] + 60 + rng.randrange(600)
            if told < last:
                out.add(
                    PromiseSlip,
                    [str(ticket_id), "配件未到货", "改约次日上门", _ts(told), str(desk), _ts(told)],
                )
                out.add(
                    TicketEvent,
                    [
                        str(ticket_id),
                        _ts(told),
                        str(desk),
                        "promise_slip",
                        status_now,
                        status_now,
                        "配件未到货",
                        '{"remedy": "改约次日上门"}',
                    ],
                )

        # --- The deadlines ----------------------------------------------------------------
        url = self.url.format(ticket_id)
        for dkind, start, due, warn, counting, emerg, esc, responsible, role, end in deadlines:
            self.deadline(
                out,
                p,
                ticket_id,
                label,
                url,
                dkind,
                start,
                due,
                warn,
                counting,
                emerg,
                esc,
                responsible,
                role,
                end,
                closed_at,
            )

    def deadline(
        self,
        out: _Out,
        p: _Project,
        ticket_id: int,
        label: str,
        url: str,
        dkind: str,
        start: int,
        due: int,
        warn: int | None,
        counting: str,
        emerg: bool,
        esc: int,
        responsible: int | None,
        role: str,
        end: tuple[str, int, int | None, str] | None,
        closed_at: int | None,
    ) -> None:
        state, end_at, end_by, reason = end or ("open", None, None, "")
        if state == "open" and closed_at is not None:
            # Closing the order drops whatever it still owed.
            state, end_at, end_by, reason = "cancelled", closed_at, None, self.texts["closed"]
        paused_at = end_at if state == "paused" else None
        acted: list[tuple[int, int]] = []  # (stage number, at)
        next_action = None
        if state in {"open", "paused"}:
            # The sweep's own arithmetic, as of SWEEP_AT (or of the pause).
            shadow = Deadline(
                warn_at=_moment(warn) if warn is not None else None,
                due_at=_moment(due),
                escalate_after_minutes=esc,
                escalation_roles=_ESCALATION,
                counting=counting,
                is_emergency=emerg,
            )
            horizon = paused_at if paused_at is not None else self.sweep
            pending = []
            for stage in promises.stages_of(shadow, self.calendar):
                moment = _minute(stage.at)
                if moment <= horizon:
                    acted.append((stage.number, moment))
                else:
                    pending.append(moment)
            if paused_at is None and pending:
                next_action = min(pending)
        else:
            stages = [(2, due)]
            if warn is not None:
                stages.insert(0, (1, warn))
            for k in (1, 2):
                if counting == "working" and not emerg:
                    stages.append((2 + k, _add_working(due, esc * k)))
                else:
                    stages.append((2 + k, due + esc * k))
            acted = [(n, m) for n, m in stages if m <= end_at]
        stage = acted[-1][0] if acted else 0
        overdue = next((m for n, m in acted if n == 2), None)
        deadline_id = out.add(
            Deadline,
            [
                str(p.id),
                dkind,
                str(self.ticket_type),
                str(ticket_id),
                label,
                url,
                _i(responsible),
                role,
                counting,
                _b(emerg),
                "f",
                _ts(start),
                _ts(due),
                "open" if state == "paused" else state,
                _ts(end_at if state == "met" else None),
                _i(end_by if state == "met" else None),
                _ts(end_at if state == "cancelled" else None),
                reason if state == "cancelled" else "",
                _ts(paused_at),
                _ts(overdue),
                _ts(warn),
                _ESCALATION,
                str(esc),
                str(stage),
                _ts(next_action),
                _ts(start),
            ],
        )
        for number, moment in acted:
            out.add(
                DeadlineEvent,
                [str(deadline_id), _STAGE_CODES[number], _ts(moment), _ts(moment), "1"],
            )
        if paused_at is not None:
            out.add(DeadlinePause, [str(deadline_id), reason, _ts(paused_at), _i(end_by), N, N])

    # --- Writing ------------------------------------------------------------------------

    def copy(self, out: _Out) -> None:
        for model, columns in TABLES:
            expected = {f.column for f in model._meta.concrete_fields}
            if set(columns) != expected:
                raise SystemExit(
                    f"{model._meta.db_table}: the orders part writes {sorted(set(columns))}, "
                    f"the table has {sorted(expected)}; update bench/orders_dataset.py."
                )
        big = ORDERS > 20_000
        with connection.cursor() as cursor:
            if big:
                # The generator keeps every reference inside the rows it writes (the tiny
                # build in the tests runs with the checks on); at full scale the deferred
                # foreign-key checks of ten million rows would outlast the load itself.
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for model, columns in TABLES:
            started = time.perf_counter()
            dropped = _drop_indexes(model) if big else []
            handle = out.files[model]
            handle.flush()
            handle.seek(0)
            dataset._copy_text(model, columns, handle)
            copied = time.perf_counter() - started
            _restore_indexes(dropped)
            self.log(
                f"    {out.counts[model]:>10,} {model._meta.db_table}: COPY {copied:.1f} s, "
                f"indexes {time.perf_counter() - started - copied:.1f} s"
            )
        if big:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")

    def set_counters(self) -> None:
        """The services number each project's, kind's and year's next order after these."""
        names = [f"ticket:{pid}:{kind}:{year}" for (pid, kind, year) in self.serials]
        CounterRow.objects.filter(name__in=names).delete()
        CounterRow.objects.bulk_create(
            CounterRow(name=f"ticket:{pid}:{kind}:{year}", last=last)
            for (pid, kind, year), last in self.serials.items()
        )


def _register_data(serial: str, weight: str) -> str:
    return f'{{"serial": "{serial}", "weight": "{weight}"}}'


def _apportion(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, in whole numbers that add up exactly."""
    whole = sum(weights)
    quotas = [total * w / whole for w in weights]
    counts = [int(q) for q in quotas]
    short = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: counts[i] - quotas[i])
    for i in order[:short]:
        counts[i] += 1
    return counts


def _drop_indexes(model: type[Model]) -> list[str]:
    """Drop the table's indexes that back no constraint; return how to make them again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
            [model._meta.db_table],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in found]


def _restore_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        for definition in definitions:
            cursor.execute(definition)


__all__ = [
    "FIFTY_ORDERS_UNIT",
    "ORDERS",
    "SWEEP_AT",
    "configure",
    "household_with_fifty_orders",
    "is_loaded",
]
