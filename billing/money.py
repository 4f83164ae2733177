"""Money: `Decimal` yuan, rounded to the fen (0.01) by one rule.

The rule is ROUND_HALF_UP (四舍五入), the rounding printed on the price
bureau's fee documents: 0.005 becomes 0.01 and -0.005 becomes -0.01. Every
amount the bill run computes (floor area × rate × days, consumption × rate)
goes through `to_fen` once, at the line; totals add rounded lines and are
never rounded again. Amounts typed by staff are refused, not rounded, when
they carry more than two decimals (`check_amount`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from frontdesk.core.errors import ApplicationError

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY = {"max_digits": 12, "decimal_places": 2}


def to_fen(value: Decimal | int | str) -> Decimal:
    """`value` rounded half-up to the fen."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def check_amount(value: object, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """A typed amount as Decimal, or ApplicationError: negative, zero or finer than a fen."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError(fields={field: [_("Enter an amount in yuan.")]}) from None
    if not amount.is_finite():
        raise ApplicationError(fields={field: [_("Enter an amount in yuan.")]})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ApplicationError(fields={field: [_("The amount must be greater than zero.")]})
    if amount != amount.quantize(FEN):
        raise ApplicationError(
            fields={field: [_("Amounts are in yuan and fen: two decimals at most.")]}
        )
    if amount >= Decimal("10000000000"):
        raise ApplicationError(fields={field: [_("The amount is too large.")]})
    return amount.quantize(FEN)
