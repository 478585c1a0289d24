"""Values of the reference model (`policyc_ref.py`): exact numbers, rounded by
the rule of docs/ir.md "Numbers", calendar dates as day numbers, variants
and unknowns. Python standard library only."""

import json
import re
import sys
from fractions import Fraction

# --------------------------------------------------------------------------
# Numbers (docs/ir.md, "Numbers")

LIMIT = 2**96  # |m| < 2^96
MAX_SCALE = 28
MIN_SCALE = 10  # fewer decimals left than this: overflow


class EvalError(Exception):
    """An evaluation error: the measure's status is `error`."""


def round_half_away(x: Fraction) -> int:
    """The integer nearest to x, halves away from zero."""
    n, d = abs(x.numerator), x.denominator
    q, r = divmod(n, d)
    if 2 * r >= d:
        q += 1
    return q if x >= 0 else -q


def number(x: Fraction) -> Fraction:
    """The result of an operation whose exact value is x (docs/ir.md, Numbers)."""
    for s in range(0, MAX_SCALE + 1):  # exact when it is a number
        m = x * 10**s
        if m.denominator == 1:
            if abs(m.numerator) < LIMIT:
                return x
            break
    for s in range(MAX_SCALE, -1, -1):  # otherwise rounded
        m = round_half_away(x * 10**s)
        if abs(m) < LIMIT:
            if s < MIN_SCALE:
                raise EvalError("overflow")
            return Fraction(m, 10**s)
    raise EvalError("overflow")


def fen(x: Fraction) -> Fraction:
    """Rounded to the fen, half away from zero; overflow if it cannot be kept."""
    m = round_half_away(x * 100)
    if abs(m) >= LIMIT:
        raise EvalError("overflow")
    return Fraction(m, 100)


def money_text(x: Fraction) -> str:
    m = round_half_away(x * 100)
    sign = "-" if m < 0 else ""
    m = abs(m)
    return f"{sign}{m // 100}.{m % 100:02d}"


DEC_RE = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def dec(s: str) -> Fraction:
    if not isinstance(s, str) or not DEC_RE.match(s):
        raise ValueError(f"not a decimal: {s!r}")
    return Fraction(s)


# --------------------------------------------------------------------------
# Dates: day numbers (days since 1970-01-01) of the proleptic Gregorian calendar

MIN_YEAR, MAX_YEAR = -262143, 262142  # docs/language.md, Limits


def days_from_civil(y: int, m: int, d: int) -> int:
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z: int):
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return (y + (m <= 2), m, d)


def leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def month_len(y: int, m: int) -> int:
    return [31, 29 if leap(y) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]


DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")


def parse_date(s):
    """A `YYYY-MM-DD` date as a day number, or None if it is not one."""
    if not isinstance(s, str):
        return None
    g = DATE_RE.match(s)
    if not g:
        return None
    y, m, d = (int(x) for x in g.groups())
    if not (1 <= m <= 12 and 1 <= d <= month_len(y, m)):
        return None
    return days_from_civil(y, m, d)


def check_date(z: int) -> int:
    y = civil_from_days(z)[0]
    if not (MIN_YEAR <= y <= MAX_YEAR):
        raise EvalError("date out of range")
    return z


def add_months(z: int, n: int) -> int:
    y, m, d = civil_from_days(z)
    t = y * 12 + (m - 1) + n
    y2, m2 = t // 12, t % 12 + 1
    if not (MIN_YEAR <= y2 <= MAX_YEAR):
        raise EvalError("date out of range")
    return check_date(days_from_civil(y2, m2, min(d, month_len(y2, m2))))


# --------------------------------------------------------------------------
# Values: bool, Fraction (number), Date (a day number), Variant (an index),
# or Unknown (the set of slots it waits for)


class Date:
    __slots__ = ("z",)

    def __init__(self, z):
        self.z = z

    def __eq__(self, o):
        return isinstance(o, Date) and o.z == self.z


class Variant:
    __slots__ = ("i",)

    def __init__(self, i):
        self.i = i

    def __eq__(self, o):
        return isinstance(o, Variant) and o.i == self.i


class Unknown:
    __slots__ = ("slots",)

    def __init__(self, slots):
        self.slots = frozenset(slots)


def is_unknown(v):
    return isinstance(v, Unknown)


def constant(value, ty):
    """A `Value` of the IR, read with its type."""
    (k, v), = value.items()
    if k == "bool":
        return bool(v)
    if k == "number":
        return dec(v)
    if k == "date":
        z = parse_date(v)
        if z is None:
            raise ValueError(f"bad date {v!r}")
        return Date(z)
    if k == "variant":
        return Variant(v)
    raise ValueError(f"unknown value kind {k}")


def is_duration(ty):
    if ty.get("type") != "number":
        return None
    u = ty["unit"]
    if len(u) == 1:
        (sym, e), = u.items()
        if e == 1 and sym in ("天", "月", "年"):
            return sym
    return None


def whole(x: Fraction) -> int:
    if x.denominator != 1:
        raise EvalError("inconsistency: a duration that is not whole")
    return x.numerator


class Undetermined(EvalError):
    """A delegated parameter without default that the locality has not set
    (or no locality was given)."""
