"""The writes of fees: standards, readings, the bill run, payments, reversals, deposits."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from billing import services
from billing.choices import BillStatus, ChargeKind, PaymentStatus
from billing.models import Bill, BillLine, MeterReading, Receipt
from billing.money import to_fen
from billing.selectors import household_account, household_ledger
from frontdesk.core.errors import ApplicationError
from residents.models import MoveIn
from tests.factories import HouseholdFactory, UnitFactory
from tests.tickets.factories import TicketFactory

from .conftest import at, make_bill

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)


@pytest.fixture(autouse=True)
def _living_there_all_year(household):
    """The household of the unit has lived there since before the months billed here."""
    household.moved_in_on = dt.date(2025, 12, 1)
    household.save(update_fields=["moved_in_on"])


def test_money_rounds_half_up_to_the_fen():
    """Half a fen rounds up, the rule printed on the price documents."""
    assert to_fen(Decimal("1.005")) == Decimal("1.01")
    assert to_fen(Decimal("1.0049")) == Decimal("1.00")
    assert to_fen(Decimal("-1.005")) == Decimal("-1.01")


# --- Standards ---------------------------------------------------------------------------


def test_new_rate_ends_the_open_one_and_leaves_issued_bills_alone(
    project, cashier, household, service_fee
):
    """A new service-fee rate closes the old one the day before; a bill issued before keeps
    its amount and its line keeps the old rate."""
    services.bill_run(project=project, month=JAN, by=cashier, today=dt.date(2026, 2, 2))
    bill = Bill.objects.get(household=household, period=JAN)
    new = services.charge_standard_create(
        project=project,
        kind=ChargeKind.SERVICE_FEE,
        unit_type="apartment",
        name="物业服务费",
        rate="3.00",
        valid_from=dt.date(2026, 2, 1),
        by=cashier,
    )
    service_fee.refresh_from_db()
    assert service_fee.valid_to == dt.date(2026, 1, 31)
    bill.refresh_from_db()
    assert bill.amount == Decimal("223.75")  # 89.50 m² × 2.50
    assert bill.lines.get().rate == Decimal("2.5000")
    services.bill_run(project=project, month=FEB, by=cashier, today=dt.date(2026, 3, 2))
    assert Bill.objects.get(household=household, period=FEB).amount == Decimal("268.50")
    assert new.rate == Decimal("3.00")


def test_standard_refuses_bad_input(project, cashier):
    """Negative rates, too many decimals and a service fee without unit type are refused."""
    with pytest.raises(ApplicationError) as error:
        services.charge_standard_create(
            project=project,
            kind=ChargeKind.SERVICE_FEE,
            name="x",
            rate="-1",
            valid_from=JAN,
            by=cashier,
        )
    assert set(error.value.fields) == {"unit_type", "rate"}
    with pytest.raises(ApplicationError) as error:
        services.charge_standard_create(
            project=project,
            kind=ChargeKind.WATER,
            name="水费",
            rate="1.23456",
            valid_from=JAN,
            by=cashier,
        )
    assert "rate" in error.value.fields


def test_desk_cannot_set_rates(project, desk_user):
    """Only the cashier or the manager enter charge standards."""
    with pytest.raises(PermissionDenied):
        services.charge_standard_create(
            project=project,
            kind=ChargeKind.WATER,
            name="水费",
            rate="4",
            valid_from=JAN,
            by=desk_user,
        )


# --- Readings ----------------------------------------------------------------------------


def test_reading_below_the_last_is_refused_unless_meter_change(unit, household, cashier):
    """A lower reading is refused; marked as a meter change it is kept with the new start."""
    MoveIn.objects.create(
        project=household.project, household=household, water_reading=100, handled_by=cashier
    )
    with pytest.raises(ApplicationError) as error:
        services.meter_reading_record(
            unit=unit,
            meter="water",
            reading="90",
            read_on=dt.date(2026, 1, 31),
            by=cashier,
            today=dt.date(2026, 2, 1),
        )
    assert "reading" in error.value.fields
    services.meter_reading_record(
        unit=unit,
        meter="water",
        reading="112",
        read_on=dt.date(2026, 1, 31),
        by=cashier,
        today=dt.date(2026, 2, 1),
    )
    with pytest.raises(ApplicationError):
        services.meter_reading_record(
            unit=unit,
            meter="water",
            reading="5",
            read_on=dt.date(2026, 2, 10),
            by=cashier,
            today=dt.date(2026, 2, 11),
        )
    change = services.meter_reading_record(
        unit=unit,
        meter="water",
        reading="115",
        read_on=dt.date(2026, 2, 10),
        by=cashier,
        is_meter_change=True,
        new_meter_start="0",
        today=dt.date(2026, 2, 11),
    )
    assert change.next_base == Decimal("0")


def test_reading_in_the_future_is_refused(unit, cashier):
    """A reading dated after today is refused."""
    with pytest.raises(ApplicationError) as error:
        services.meter_reading_record(
            unit=unit,
            meter="gas",
            reading="3",
            read_on=dt.date(2026, 3, 2),
            by=cashier,
            today=dt.date(2026, 3, 1),
        )
    assert "read_on" in error.value.fields
    assert not MeterReading.objects.exists()


def test_csv_import_reports_every_bad_row_and_writes_none(building, unit, household, cashier):
    """A file with two bad rows among good ones: both reported by row number, nothing saved."""
    UnitFactory(building=building, project=building.project, number="1601", floor=16)
    data = (
        "unit,meter,reading,read_on\n"
        "1502,water,10,2026-01-31\n"
        "9999,water,10,2026-01-31\n"
        "1601,electricity,abc,2026-01-31\n"
        "1502,electricity,300,2026-01-31\n"
    )
    with pytest.raises(ApplicationError) as error:
        services.meter_readings_import(
            building=building, data=data, by=cashier, today=dt.date(2026, 2, 1)
        )
    rows = error.value.fields["rows"]
    assert len(rows) == 2 and "3" in rows[0] and "4" in rows[1]
    assert not MeterReading.objects.exists()
    good = "unit,meter,reading,read_on\n1502,water,10,2026-01-31\n1601,electricity,5,2026-01-31\n"
    saved = services.meter_readings_import(
        building=building, data=good, by=cashier, today=dt.date(2026, 2, 1)
    )
    assert len(saved) == 2


# --- The bill run ---------------------------------------------------------------------


def test_bill_run_is_idempotent(project, cashier, household, second_household, service_fee):
    """A second run of the same month creates no bill and no line."""
    first = services.bill_run(project=project, month=JAN, by=cashier, today=dt.date(2026, 2, 1))
    assert first.created == 2
    lines = BillLine.objects.count()
    again = services.bill_run(project=project, month=JAN, by=cashier, today=dt.date(2026, 2, 1))
    assert again.created == 0 and again.skipped == 2
    assert Bill.objects.count() == 2 and BillLine.objects.count() == lines


def test_bill_run_refuses_a_month_not_ended_unless_draft(project, cashier, household, service_fee):
    """The month still running is refused; a draft is made on request and issued later."""
    with pytest.raises(ApplicationError) as error:
        services.bill_run(project=project, month=JAN, by=cashier, today=dt.date(2026, 1, 20))
    assert "month" in error.value.fields
    services.bill_run(
        project=project, month=JAN, by=cashier, draft=True, today=dt.date(2026, 1, 20)
    )
    bill = Bill.objects.get()
    assert bill.status == BillStatus.DRAFT
    assert household_ledger(household_id=household.pk).issued == 0
    result = services.bill_run(project=project, month=JAN, by=cashier, today=dt.date(2026, 2, 1))
    assert result.recomputed == 1 and result.created == 0
    bill.refresh_from_db()
    assert bill.status == BillStatus.ISSUED and bill.amount == Decimal("223.75")


def test_move_in_mid_month_is_billed_by_days(project, cashier, building, service_fee):
    """A household that moved in on the 17th of a 31-day month pays 15/31 of the fee."""
    unit = UnitFactory(building=building, project=project, number="0801", floor=8)
    late = HouseholdFactory(unit=unit, project=project, moved_in_on=dt.date(2026, 1, 17))
    services.bill_run(project=project, month=JAN, by=cashier, today=dt.date(2026, 2, 1))
    bill = Bill.objects.get(household=late)
    assert bill.amount == to_fen(Decimal("89.50") * Decimal("2.50") * 15 / 31)
    assert bill.amount == Decimal("108.27")


def test_energy_from_readings_and_move_in_base(project, cashier, unit, household):
    """Water is billed from the move-in base to the month's reading, across a meter change."""
    services.charge_standard_create(
        project=project,
        kind=ChargeKind.WATER,
        name="水费",
        rate="4.20",
        valid_from=JAN,
        by=cashier,
    )
    MoveIn.objects.create(
        project=project, household=household, water_reading=100, handled_by=cashier
    )
    services.meter_reading_record(
        unit=unit,
        meter="water",
        reading="110",
        read_on=dt.date(2026, 1, 20),
        by=cashier,
        is_meter_change=True,
        new_meter_start="0",
        today=dt.date(2026, 2, 1),
    )
    services.meter_reading_record(
        unit=unit,
        meter="water",
        reading="5",
        read_on=dt.date(2026, 1, 31),
        by=cashier,
        today=dt.date(2026, 2, 1),
    )
    services.bill_run(project=project, month=JAN, by=cashier, today=dt.date(2026, 2, 1))
    line = BillLine.objects.get(kind="water")
    assert line.quantity == Decimal("15")  # 110 − 100 on the old meter, 5 on the new one
    assert line.amount == Decimal("63.00")


def test_paid_order_is_billed_once_ever(project, cashier, household):
    """A finished paid order lands on the bill of its month and never on a later one."""
    order = TicketFactory(
        project=project,
        household=household,
        paid=True,
        fee_charged=Decimal("80.00"),
        done_at=at(2026, 1, 12),
        status="returned",
    )
    services.bill_run(project=project, month=JAN, by=cashier, today=dt.date(2026, 2, 1))
    services.bill_run(project=project, month=FEB, by=cashier, today=dt.date(2026, 3, 1))
    lines = BillLine.objects.filter(ticket=order)
    assert lines.count() == 1
    assert lines.get().bill.period == JAN and lines.get().amount == Decimal("80.00")


# --- Payments -------------------------------------------------------------------------


def test_payment_for_two_bills_with_overpayment_held_as_credit(household, cashier):
    """One payment settles two bills; the rest is credit that settles the next bill."""
    jan, feb = make_bill(household, JAN, "100.00"), make_bill(household, FEB, "50.00")
    payment = services.payment_take(
        household=household, amount="200.00", method="cash", taken_by=cashier, bills=[jan, feb]
    )
    jan.refresh_from_db(), feb.refresh_from_db()
    assert jan.status == feb.status == BillStatus.PAID
    account = household_account(household=household, today=dt.date(2026, 3, 1))
    assert account.balance == Decimal("-50.00") and account.held_credit == Decimal("50.00")
    assert payment.receipt.number.startswith("SJ-")
    # The next bill is settled by the credit at the bill run.
    services.charge_standard_create(
        project=household.project,
        kind="fixed",
        name="垃圾清运费",
        rate="20",
        valid_from=JAN,
        by=cashier,
    )
    services.bill_run(
        project=household.project, month=dt.date(2026, 3, 1), today=dt.date(2026, 4, 1)
    )
    march = Bill.objects.get(period=dt.date(2026, 3, 1))
    assert march.status == BillStatus.PAID
    assert household_account(household=household).held_credit == Decimal("30.00")


def test_partial_payment_leaves_the_bill_part_paid(household, cashier):
    """Paying part of a bill leaves it part paid with the rest to pay."""
    bill = make_bill(household, JAN, "100.00")
    services.payment_take(
        household=household, amount="40.00", method="wechat", taken_by=cashier, bills=[bill]
    )
    bill.refresh_from_db()
    assert bill.status == BillStatus.PART_PAID
    assert household_account(household=household).outstanding == Decimal("60.00")


@pytest.mark.parametrize("amount", ["-5", "0", "10.001", "abc"])
def test_bad_amounts_are_refused(household, cashier, amount):
    """Negative, zero, over-precise or non-numeric amounts are refused with a field message."""
    make_bill(household, JAN, "100.00")
    with pytest.raises(ApplicationError) as error:
        services.payment_take(household=household, amount=amount, method="cash", taken_by=cashier)
    assert "amount" in error.value.fields
    assert not Receipt.objects.exists()


def test_bill_of_another_project_cannot_be_paid(household, cashier, other_project):
    """Naming a bill of another project is refused."""
    other = HouseholdFactory(unit__building__project=other_project, project=other_project)
    foreign = make_bill(other, JAN, "10.00")
    with pytest.raises(ApplicationError) as error:
        services.payment_take(
            household=household, amount="10", method="cash", taken_by=cashier, bills=[foreign]
        )
    assert "bills" in error.value.fields


def test_desk_takes_payments_only_after_hours(household, desk_user):
    """The desk is refused a daytime payment and may take one after hours."""
    make_bill(household, JAN, "100.00")
    with pytest.raises(PermissionDenied):
        services.payment_take(household=household, amount="10", method="cash", taken_by=desk_user)
    payment = services.payment_take(
        household=household, amount="10", method="cash", taken_by=desk_user, after_hours=True
    )
    assert payment.after_hours


def test_reversal_is_a_new_entry_and_reopens_the_bill(household, cashier):
    """A reversed payment stays with its receipt; the bill is owed again and the ledger says so."""
    bill = make_bill(household, JAN, "100.00")
    payment = services.payment_take(
        household=household, amount="100", method="card", taken_by=cashier
    )
    reversal = services.payment_reverse(payment=payment, by=cashier, reason="刷错卡")
    payment.refresh_from_db(), bill.refresh_from_db()
    assert payment.status == PaymentStatus.REVERSED and reversal.amount == Decimal("100.00")
    assert bill.status == BillStatus.ISSUED
    ledger = household_ledger(household_id=household.pk)
    assert (ledger.issued, ledger.paid, ledger.reversed, ledger.balance) == (
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("100.00"),
    )
    with pytest.raises(ApplicationError):
        services.payment_reverse(payment=payment, by=cashier, reason="again")


def test_receipts_are_consecutive_per_project_and_year(household, cashier):
    """Payments and deposits share one gap-free receipt series of the project and year."""
    make_bill(household, JAN, "100.00")
    services.payment_take(
        household=household, amount="10", method="cash", taken_by=cashier, now=at(2026, 5, 1)
    )
    services.deposit_take(
        household=household,
        kind="other",
        amount="500",
        method="cash",
        by=cashier,
        now=at(2026, 5, 2),
    )
    services.payment_take(
        household=household, amount="10", method="cash", taken_by=cashier, now=at(2027, 1, 2)
    )
    numbers = list(Receipt.objects.order_by("id").values_list("number", flat=True))
    assert numbers == ["SJ-2026-000001", "SJ-2026-000002", "SJ-2027-000001"]


# --- Deposits and refunds ---------------------------------------------------------------


def test_refund_needs_another_managers_approval(household, cashier, manager, manager2):
    """A refund goes out only after a manager approves, never the one who asked."""
    deposit = services.deposit_take(
        household=household, kind="other", amount="1000", method="cash", by=cashier
    )
    refund = services.refund_request(
        deposit=deposit, amount="600", reason="装修验收合格", method="cash", by=cashier
    )
    with pytest.raises(ApplicationError):
        services.refund_pay(refund=refund, by=cashier)
    with pytest.raises(PermissionDenied):
        services.refund_approve(refund=refund, by=cashier)
    services.refund_approve(refund=refund, by=manager)
    paid = services.refund_pay(refund=refund, by=cashier)
    assert paid.status == "paid" and paid.receipt.kind == "refund"


def test_manager_cannot_approve_own_refund(household, cashier, manager):
    """A manager who asked for a refund may not approve it."""
    deposit = services.deposit_take(
        household=household, kind="other", amount="100", method="cash", by=cashier
    )
    from django.contrib.auth.models import Group

    from frontdesk.core.roles import Role

    manager.groups.add(Group.objects.get(name=Role.CASHIER))
    refund = services.refund_request(
        deposit=deposit, amount="100", reason="退房", method="cash", by=manager
    )
    manager._desk_roles = None
    with pytest.raises(ApplicationError):
        services.refund_approve(refund=refund, by=manager)


def test_refund_more_than_held_is_refused(household, cashier):
    """Asking back more than the deposit (less what is already asked) is refused."""
    deposit = services.deposit_take(
        household=household, kind="other", amount="100", method="cash", by=cashier
    )
    services.refund_request(deposit=deposit, amount="70", reason="a", method="cash", by=cashier)
    with pytest.raises(ApplicationError) as error:
        services.refund_request(deposit=deposit, amount="40", reason="b", method="cash", by=cashier)
    assert "amount" in error.value.fields


def test_decoration_deposit_takes_the_applications_amount(household, cashier, desk_user):
    """A decoration deposit defaults to the amount on the decoration application."""
    from residents.models import Decoration

    decoration = Decoration.objects.create(
        project=household.project,
        household=household,
        applied_on=JAN,
        description="刷墙",
        planned_start=JAN,
        planned_end=FEB,
        deposit=Decimal("2000"),
        created_by=desk_user,
    )
    deposit = services.deposit_take(
        household=household,
        kind="decoration",
        decoration=decoration,
        method="transfer",
        by=cashier,
    )
    assert deposit.amount == Decimal("2000.00")


# --- Cash handover -------------------------------------------------------------------


def test_after_hours_cash_handed_over_with_difference_explained(household, desk_user, cashier):
    """The desk's after-hours takings go to the cashier; a short count needs an explanation,
    and the cashier signs."""
    make_bill(household, JAN, "500.00")
    services.payment_take(
        household=household, amount="120", method="cash", taken_by=desk_user, after_hours=True
    )
    services.payment_take(
        household=household, amount="80", method="wechat", taken_by=desk_user, after_hours=True
    )
    with pytest.raises(ApplicationError) as error:
        services.handover_hand(
            project=household.project, by=desk_user, counted={"cash": "100", "wechat": "80"}
        )
    assert "explanation" in error.value.fields
    handover = services.handover_hand(
        project=household.project,
        by=desk_user,
        counted={"cash": "100", "wechat": "80"},
        explanation="找零错误",
    )
    lines = {line.method: line.difference for line in handover.lines.all()}
    assert lines == {"cash": Decimal("-20.00"), "wechat": Decimal("0.00")}
    assert handover.payments.count() == 2
    received = services.handover_receive(handover=handover, by=cashier)
    assert received.status == "received" and received.received_by == cashier
    assert services.handover_expected(project=household.project, by=desk_user) == {}
