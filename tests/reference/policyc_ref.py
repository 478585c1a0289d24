#!/usr/bin/env python3
"""A reference model of policyc's evaluation, written from the documents only.

It reads an exported IR (`policyc export`, docs/ir.md) and facts records
(docs/cli.md, "eval"), and evaluates every measure addressed to each record's
entity on a date, optionally in a locality. It does not link or read policyc's
sources: where it disagrees with policyc, either policyc has a bug or the
documents do not say enough (docs/ir.md, "A reference model").

Python standard library only. Numbers are exact rationals (`fractions`),
rounded by the rule of docs/ir.md "Numbers"; dates are day numbers of the
proleptic Gregorian calendar (not `datetime`, whose years stop at 9999).

Usage:

    policyc_ref.py --ir POLICY.json --facts RECORDS.jsonl --date 2020-07-01 [--locality 呼和浩特市]
    policyc_ref.py --ir POLICY.json --facts RECORDS.jsonl --runs RUNS.json

`--facts` is one facts object (as `policyc eval --facts` reads it) or JSONL,
one per line. `--runs` is a JSON list of `[date, locality-or-null]`: every
record is evaluated on each. Output: one JSON line per record (and run), in
the shape of a `policyc batch` result line without texts:

    {"date": "2020-07-01", "locality": null, "line": 1, "total": "5000.00",
     "totals_by_kind": {"loan_ceiling": "200000.00"},
     "measures": {"12": {"status": "eligible", "amount": "5000.00", "kind": "paid"},
                  "13": {"status": "eligible", "may": true},
                  "16": {"status": "needs_facts", "needs": ["劳动合同期限"]},
                  "3": {"status": "undetermined"}}}

or `{"date": …, "locality": …, "line": 2, "rejected": true}` for a record the
facts reader refuses (or whose total overflows).
"""

import json
import re
import sys
from fractions import Fraction

from ref_values import *  # noqa: F401,F403
from ref_facts import *  # noqa: F401,F403



class Env:
    def __init__(self, ir, facts, date, locality):
        self.ir = ir
        self.facts = facts  # slot -> value (missing: unknown)
        self.date = date
        self.locality = locality  # a LocalityDef or None
        self.may = False  # whether the last eligible measure may be granted
        self.value = None  # the date or duration the last eligible measure gives

    # docs/ir.md, Parameters
    def param(self, i):
        p = self.ir["parameters"][i]
        pv = p["value"]
        if pv["kind"] == "constant":
            return constant(pv["value"], p["type"])
        if pv["kind"] == "versioned":
            found = None
            for v in pv["versions"]:
                if parse_date(v["from"]) <= self.date:
                    found = v
            if found is None:
                raise EvalError("no value on date")
            return constant(found["value"], p["type"])
        if pv["kind"] == "locality":
            if self.locality is not None:
                for lv in self.locality["values"]:
                    if lv["param"] == i:
                        return constant(lv["value"], p["type"])
            if pv["default"] is not None:
                return constant(pv["default"], p["type"])
            # a delegated value not set: undetermined (docs/ir.md, Measure status)
            raise Undetermined(p["name"])
        raise ValueError("unknown parameter kind")

    def ev(self, e):
        n = e["node"]
        if n == "literal":
            return constant(e["value"], e["type"])
        if n == "field":
            s = e["slot"]
            return self.facts[s] if s in self.facts else Unknown([s])
        if n == "param":
            return self.param(e["index"])
        if n == "not":
            a = self.ev(e["arg"])
            return a if is_unknown(a) else (not a)
        if n == "neg":
            a = self.ev(e["arg"])
            return a if is_unknown(a) else number(-a)
        if n == "in":
            a = self.ev(e["arg"])
            return a if is_unknown(a) else (a.i in e["variants"])
        if n == "if":
            c = self.ev(e["cond"])
            if c is True:
                return self.ev(e["then"])
            if c is False:
                return self.ev(e["else"])
            t = self.ev(e["then"])
            f = self.ev(e["else"])
            if not is_unknown(t) and not is_unknown(f) and equal(t, f):
                return t
            return c
        if n == "match":
            s = self.ev(e["scrutinee"])
            if is_unknown(s):
                return s
            return self.ev(e["arms"][s.i]["value"])
        if n == "call":
            vals = [self.ev(a) for a in e["args"]]
            unk = [v for v in vals if is_unknown(v)]
            if unk:
                return Unknown(frozenset().union(*(u.slots for u in unk)))
            key = (lambda v: v.z) if isinstance(vals[0], Date) else (lambda v: v)
            return (min if e["func"] == "min" else max)(vals, key=key)
        if n == "binary":
            return self.binary(e)
        if n == "definition":  # a named value of the measure, written out
            return self.ev(e["value"])
        if n == "application_date":  # docs/ir.md: always known
            return Date(self.date)
        if n == "in_period":  # both days included
            a = self.ev(e["arg"])
            if is_unknown(a):
                return a
            return parse_date(e["from"]) <= a.z <= parse_date(e["to"])
        if n == "member":  # inside an aggregate, `facts` are the member's
            s = e["slot"]
            return self.facts[s] if s in self.facts else Unknown([s])
        if n == "aggregate":
            return self.aggregate(e)
        raise ValueError(f"unknown node {n}")

    # docs/language.md, "Member records"; docs/ir.md, three-valued logic
    def aggregate(self, e):
        li, func = e["list"], e["func"]
        members = self.facts.get(("list", li))
        if members is None:  # an absent list is unknown
            return Unknown([("list", li)])
        missing = set()
        count, acc, decided = 0, None, False
        for i, m in enumerate(members):
            sub = Env(self.ir, m, self.date, self.locality)
            lift = lambda u: {("member", li, i, s) for s in u.slots}
            sel = True if e["filter"] is None else sub.ev(e["filter"])
            if sel is False:
                continue
            if func == "count":
                if is_unknown(sel):
                    missing |= lift(sel)
                else:
                    count += 1
                continue
            v = sub.ev(e["value"])
            if func in ("all", "any"):
                want = func == "any"
                if not is_unknown(v) and v is not want:
                    continue  # this member cannot change the result
                if sel is True and v is want:
                    decided = True
                    continue
                for x in (sel, v):
                    if is_unknown(x):
                        missing |= lift(x)
                continue
            if is_unknown(sel) or is_unknown(v):
                for x in (sel, v):
                    if is_unknown(x):
                        missing |= lift(x)
                continue
            if acc is None:
                acc = v
            elif func == "sum":
                acc = number(acc + v)
            else:
                key = (lambda w: w.z) if isinstance(v, Date) else (lambda w: w)
                acc = (min if func == "min" else max)([acc, v], key=key)
        if func in ("all", "any") and decided:
            return func == "any"
        if missing:
            return Unknown(missing)
        if func == "count":
            return Fraction(count)
        if func == "all":
            return True
        if func == "any":
            return False
        if func == "sum":
            return Fraction(0) if acc is None else acc
        if acc is None:
            raise EvalError("min/max of no member")
        return acc

    def binary(self, e):
        op = e["op"]
        if op in ("and", "or"):
            decisive = op == "or"  # `true or ?` is true; `false and ?` is false
            try:
                a = self.ev(e["lhs"])
            except Undetermined as u:
                # an unset delegated value does not matter when the right
                # side decides (docs/ir.md, Errors); otherwise it is the result
                try:
                    b = self.ev(e["rhs"])
                except EvalError:
                    raise u
                if b is decisive:
                    return b
                raise u
            if a is decisive:
                return a
            b = self.ev(e["rhs"])
            if b is decisive:
                return b
            if not is_unknown(a):  # a is not decisive: the value is b's
                return b
            if not is_unknown(b):
                return a
            return Unknown(a.slots | b.slots)
        a = self.ev(e["lhs"])
        b = self.ev(e["rhs"])
        if is_unknown(a) or is_unknown(b):
            s = frozenset()
            for v in (a, b):
                if is_unknown(v):
                    s |= v.slots
            return Unknown(s)
        if op in ("eq", "ne", "lt", "le", "gt", "ge"):
            if op == "eq":
                t = equal(a, b)
            elif op == "ne":
                t = not equal(a, b)
            else:
                x, y = (a.z, b.z) if isinstance(a, Date) else (a, b)
                t = {"lt": x < y, "le": x <= y, "gt": x > y, "ge": x >= y}[op]
            if isinstance(a, (Fraction, Date)):
                bounded_comparison(self, e, a, b, t)
            return t
        lt, rt = e["lhs"]["type"], e["rhs"]["type"]
        if op == "add" and isinstance(a, Date):
            return move(a, b, is_duration(rt), 1)
        if op == "add" and isinstance(b, Date):
            return move(b, a, is_duration(lt), 1)
        if op == "sub" and isinstance(a, Date):
            if isinstance(b, Date):
                return Fraction(a.z - b.z)
            return move(a, b, is_duration(rt), -1)
        if op == "add":
            return number(a + b)
        if op == "sub":
            return number(a - b)
        if op == "mul":
            return number(a * b)
        if op == "div":
            if b == 0:
                raise EvalError("division by zero")
            return number(a / b)
        raise ValueError(f"unknown op {op}")


def move(d, n, unit, sign):
    n = whole(n) * sign
    if unit == "天":
        return Date(check_date(d.z + n))
    if unit == "月":
        return Date(add_months(d.z, n))
    if unit == "年":
        return Date(add_months(d.z, 12 * n))
    raise EvalError("inconsistency: not a duration")


def equal(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


# --------------------------------------------------------------------------
# Default logic (docs/ir.md, "Rules: default logic")

APPLIES, NONE = "applies", "none"


def resolve(env, rules, i, children):
    r = combine(env, rules, children.get(i, []), children)
    if r[0] == APPLIES:
        return r
    if r[0] == "unknown":
        return r
    c = rules[i]["condition"]
    v = True if c is None else env.ev(c)
    if v is True:
        return (APPLIES, i)
    if v is False:
        return (NONE,)
    return ("unknown", v.slots)


def combine(env, rules, siblings, children):
    winner = None
    unknown = None
    for s in siblings:
        r = resolve(env, rules, s, children)
        if r[0] == APPLIES:
            if winner is not None:
                raise EvalError("conflict")
            winner = r[1]
        elif r[0] == "unknown":
            unknown = (unknown or frozenset()) | r[1]
    if unknown is not None:
        return ("unknown", unknown)
    if winner is not None:
        return (APPLIES, winner)
    return (NONE,)


# --------------------------------------------------------------------------
# The facts asked, in one round (docs/ir.md, "The facts asked for")


def fields_of(e):
    """Every field slot `e` reads."""
    n = e["node"]
    if n == "field":
        return {e["slot"]}
    out = set()
    for k in ("arg", "value", "lhs", "rhs", "cond", "then", "else", "scrutinee"):
        if isinstance(e.get(k), dict) and "node" in e[k]:
            out |= fields_of(e[k])
    for a in e.get("arms") or []:
        out |= fields_of(a["value"])
    for a in e.get("args") or []:
        out |= fields_of(a)
    return out


def tri(env, e):
    """The value of `e`, or an Unknown, or None when it raises an error."""
    try:
        return env.ev(e)
    except EvalError:
        return None


def residual(env, e):
    """The facts the unknown expression `e` waits for, simplified under the
    known facts; an erring one: all its unknown facts; a known one: none."""
    v = tri(env, e)
    if v is None:
        return frozenset(s for s in fields_of(e) if s not in env.facts)
    if not is_unknown(v):
        return frozenset()
    n = e["node"]
    if n == "field":
        return frozenset([e["slot"]])
    if n in ("not", "neg", "in", "in_period"):
        return residual(env, e["arg"])
    if n == "definition":
        return residual(env, e["value"])
    if n == "binary":
        return residual(env, e["lhs"]) | residual(env, e["rhs"])
    if n == "if":
        c = tri(env, e["cond"])
        if c is True:
            return residual(env, e["then"])
        if c is False:
            return residual(env, e["else"])
        return residual(env, e["cond"]) | residual(env, e["then"]) | residual(env, e["else"])
    if n == "match":
        s = tri(env, e["scrutinee"])
        if s is not None and not is_unknown(s):
            return residual(env, e["arms"][s.i]["value"])
        out = residual(env, e["scrutinee"])
        for a in e["arms"]:
            out |= residual(env, a["value"])
        return out
    if n == "call":
        out = frozenset()
        for a in e["args"]:
            out |= residual(env, a)
        return out
    if n == "aggregate":
        # its unknown member facts, as its evaluation found them
        return v.slots
    return frozenset()


def amount_residual(env, rule):
    """The facts of a rule's amount, floor and cap; none when one of them
    raises an error without reading an unknown fact."""
    out = frozenset()
    exprs = [rule[k] for k in ("amount", "floor", "cap") if rule[k] is not None]
    if rule.get("value") is not None:
        exprs.append(rule["value"]["expr"])
    for e in exprs:
        if tri(env, e) is None and not (fields_of(e) - set(env.facts)):
            return frozenset()
        out |= residual(env, e)
    return out


def possible_combine(env, rules, siblings, children, facts):
    """(none possible, conflict possible, rules that may apply)."""
    each = [possible_resolve(env, rules, s, children, facts) for s in siblings]
    none = all(p[0] for p in each)
    conflict = any(p[1] for p in each) or len([p for p in each if p[2]]) > 1
    applies = set()
    for i, p in enumerate(each):
        if all(q[0] for j, q in enumerate(each) if j != i):
            applies |= p[2]
    return (none, conflict, applies)


def possible_resolve(env, rules, i, children, facts):
    none, conflict, applies = possible_combine(env, rules, children.get(i, []), children, facts)
    if not none:
        return (none, conflict, applies)
    c = rules[i]["condition"]
    v = True if c is None else tri(env, c)
    if v is not True and v is not False:
        facts |= residual(env, c)
    applies = set(applies)
    if v is not False:
        applies.add(i)
    return (v is not True, conflict, applies)


def part_residual(env, rules, part, children):
    """The possible results of a part and the facts that can change them."""
    facts = set()
    base = [i for i, r in enumerate(rules) if r["part"] == part and r["exception_to"] is None]
    none, conflict, applies = possible_combine(env, rules, base, children, facts)
    for w in applies:
        facts |= amount_residual(env, rules[w])
    certain = next(iter(applies)) if (len(applies) == 1 and not none and not conflict) else None
    decided = certain is not None or (not applies and not conflict)
    soft = not conflict and all(
        rules[w]["amount"] is None and rules[w]["discretion"] is None for w in applies
    )
    return {"certain": certain, "decided": decided, "soft": soft, "facts": frozenset(facts)}


def decide(env, measure, items=None):
    """(status, total or None, needs slots). `items`: for a measure that
    declares parts, the parts in force for the entity, each with the env its
    rules read and the map from their slots back to the entity's."""
    rules = measure["rules"]
    children = {}
    parts = []
    for i, r in enumerate(rules):
        if r["part"] not in parts:
            parts.append(r["part"])
        if r["exception_to"] is not None:
            children.setdefault(r["exception_to"], []).append(i)
    declared = items is not None
    if items is None:
        items = [(p, env, None) for p in parts]
    penv = {p: (e, back) for p, e, back in items}

    def entity_slots(p, slots):
        back = penv[p][1]
        return frozenset(slots) if back is None else frozenset(back[s] for s in slots)

    winners = []
    unknown = None
    for p, e, _ in items:
        base = [i for i, r in enumerate(rules) if r["part"] == p and r["exception_to"] is None]
        r = combine(e, rules, base, children)
        if r[0] == "unknown":
            unknown = (unknown or frozenset()) | entity_slots(p, r[1])
        elif r[0] == APPLIES:
            winners.append(r[1])
    if unknown is not None:
        # one round: the residual of every part (docs/ir.md, "The facts asked for")
        res = {p: part_residual(e, rules, p, children) for p, e, _ in items}
        surely = any(x["certain"] is not None for x in res.values())

        def matters(x):
            return declared or not (surely and not x["decided"] and x["soft"])

        if not declared and all(x["decided"] or not matters(x) for x in res.values()):
            winners = [x["certain"] for x in res.values() if x["certain"] is not None]
        else:
            needs = frozenset()
            for p, x in res.items():
                if matters(x):
                    needs |= entity_slots(p, x["facts"])
            return ("needs_facts", None, needs or unknown)
    if not winners:
        return ("not_eligible", None, frozenset())
    winners.sort()
    amounts = []
    unknown = None
    for w in winners:
        r = rules[w]
        if r["amount"] is None:
            continue
        e = penv[r["part"]][0]
        vals = [e.ev(r[k]) if r[k] is not None else None for k in ("amount", "floor", "cap")]
        unk = [v for v in vals if is_unknown(v)]
        if unk:
            unknown = (unknown or frozenset()) | entity_slots(r["part"], amount_residual(e, r))
            continue
        v, floor, cap = vals
        if floor is not None and v < floor:
            v = floor
        if cap is not None and v > cap:
            v = cap
        amounts.append(fen(v))
        # bounds (docs/language.md, "Bounds"): an amount whose direction in
        # a bounded value cannot be told is undetermined
        b = join(direction(env, r["amount"]), r.get("bound") or "exact")
        for k in ("floor", "cap"):
            if r[k] is not None and first_bounded(env, r[k]) is not None:
                b = "mixed"
        if b == "mixed":
            raise Undetermined("a bounded value")
    # dates and durations given (docs/language.md, "Dates and durations given")
    given = []
    for w in winners:
        r = rules[w]
        v = r.get("value")
        if v is None:
            continue
        e = penv[r["part"]][0]
        for x in (v["expr"], r["floor"], r["cap"]):
            if x is not None and first_bounded(env, x) is not None:
                raise Undetermined("a bounded value")
        vals = [e.ev(x) if x is not None else None for x in (v["expr"], r["floor"], r["cap"])]
        unk = [x for x in vals if is_unknown(x)]
        if unk:
            for u in unk:
                unknown = (unknown or frozenset()) | entity_slots(r["part"], u.slots)
            continue
        val, floor, cap = vals
        key = (lambda d: d.z) if v["form"] == "until" else (lambda n: n)
        requested, bounded_by = val, None
        if floor is not None and key(val) < key(floor):
            val, bounded_by = floor, "floor"
        if cap is not None and key(val) > key(cap):
            val, bounded_by = cap, "cap"
        given.append((key(val), v, val, requested, bounded_by, is_duration(v["expr"]["type"])))
    if unknown is not None:
        return ("needs_facts", None, unknown)
    if given:
        # the measure's value: the latest date, the longest duration (the first of equals)
        best = given[0]
        for g in given[1:]:
            if g[0] > best[0]:
                best = g
        _, v, val, requested, bounded_by, unit = best
        o = {"kind": v["kind"], "requested": value_text(requested)}
        if v["form"] == "until":
            o["until"] = value_text(val)
        else:
            o["for"], o["unit"] = value_text(val), unit
        if bounded_by is not None:
            o["bounded_by"] = bounded_by
        env.value = o
    total = None
    for a in amounts:
        total = fen(a if total is None else total + a)
    # may be granted: a winning rule is discretionary (docs/ir.md, "Discretion")
    env.may = any(rules[w]["discretion"] is not None for w in winners)
    return ("eligible", total, frozenset())


def value_text(x):
    """A date as YYYY-MM-DD, a number as its shortest decimal."""
    if isinstance(x, Date):
        y, m, d = civil_from_days(x.z)
        return f"{y:04d}-{m:02d}-{d:02d}" if 0 <= y <= 9999 else f"{y:+05d}-{m:02d}-{d:02d}"
    sign = "-" if x < 0 else ""
    x = abs(x)
    s = 0
    while (x * 10**s).denominator != 1:
        s += 1
    n = (x * 10**s).numerator
    if s == 0:
        return f"{sign}{n}"
    t = str(n).rjust(s + 1, "0")
    return f"{sign}{t[:-s]}.{t[-s:]}"


def date_status(date, eff, until):
    """The status of a measure or part by its dates alone, or None in force."""
    if eff["from"] is not None and date < parse_date(eff["from"]):
        return "not_in_force"
    if until is not None and date > parse_date(until):
        return "deadline_passed"
    if eff["to"] is not None and date > parse_date(eff["to"]):
        return "not_in_force"
    return None


def evaluate_parts(env, measure, entity):
    """docs/ir.md, Parts: the parts addressed to the entity, each by its dates;
    those in force decided together as the parts of any measure."""
    decls = {d["name"]: d for d in measure["parts"]}
    names = []
    for r in measure["rules"]:
        if r["part"] not in names:
            names.append(r["part"])

    def addressees(p):
        d = decls.get(p)
        if d is not None and d["to"]:
            return [a["entity"] for a in d["to"]]
        return [] if measure["addressee"] is None else [measure["addressee"]]

    mine = [p for p in names if entity in addressees(p)]
    if not mine:
        return ("not_addressed", None, frozenset())
    statuses = []
    items = []
    for p in mine:
        d = decls.get(p)
        eff = measure["effective"]
        until = measure["applications_until"]
        if d is not None and d["effective"] is not None:
            eff = d["effective"]
        if d is not None and d["applications_until"] is not None:
            until = d["applications_until"]
        s = date_status(env.date, eff, until)
        if s is not None:
            statuses.append(s)
            continue
        if d is not None and d["to"] and d["to"][0]["entity"] != entity:
            back = next(a["slots"] for a in d["to"] if a["entity"] == entity)
            facts = {i: env.facts[t] for i, t in enumerate(back) if t is not None and t in env.facts}
            items.append((p, Env(env.ir, facts, env.date, env.locality), back))
        else:
            items.append((p, env, None))
    if not items:
        return ("deadline_passed" if "deadline_passed" in statuses else "not_in_force", None, frozenset())
    try:
        return decide(env, measure, items)
    except Undetermined:
        return ("undetermined", None, frozenset())
    except EvalError:
        return ("error", None, frozenset())


def param_bound(env, i):
    """`at_least` for a delegated parameter not set whose default is its
    floor, `at_most` for one whose default is its cap, else `exact`."""
    p = env.ir["parameters"][i]
    pv = p["value"]
    if pv["kind"] != "locality" or pv["default"] is None:
        return "exact"
    if env.locality is not None and any(lv["param"] == i for lv in env.locality["values"]):
        return "exact"
    d = constant(pv["default"], p["type"])
    if pv["floor"] is not None and constant(pv["floor"], p["type"]) == d:
        return "at_least"
    if pv["cap"] is not None and constant(pv["cap"], p["type"]) == d:
        return "at_most"
    return "exact"


def first_bounded(env, e):
    n = e["node"]
    if n == "param":
        return e["index"] if param_bound(env, e["index"]) != "exact" else None
    if n in ("literal", "field", "application_date", "member"):
        return None
    if n in ("not", "neg", "in", "in_period"):
        return first_bounded(env, e["arg"])
    if n == "definition":
        return first_bounded(env, e["value"])
    if n == "binary":
        x = first_bounded(env, e["lhs"])
        return x if x is not None else first_bounded(env, e["rhs"])
    if n == "if":
        subs = [e["cond"], e["then"], e["else"]]
    elif n == "match":
        subs = [e["scrutinee"]] + [a["value"] for a in e["arms"]]
    elif n == "call":
        subs = e["args"]
    elif n == "aggregate":
        subs = [x for x in (e["value"], e["filter"]) if x is not None]
    else:
        raise ValueError(f"unknown node {n}")
    for s in subs:
        x = first_bounded(env, s)
        if x is not None:
            return x
    return None


def bounded_comparison(env, e, a, b, t):
    """docs/language.md, "Bounds": a comparison of a value that is only a
    bound is decided only when its truth cannot differ within the bound."""
    d = join(direction(env, e["lhs"]), flip(direction(env, e["rhs"])))
    if d == "exact":
        return
    if d == "mixed":
        raise Undetermined("a bounded value")
    grows = d == "at_least"
    x, y = (a.z, b.z) if isinstance(a, Date) else (a, b)
    op = e["op"]
    if op in ("gt", "ge"):
        fixed = t == grows
    elif op in ("lt", "le"):
        fixed = t != grows
    else:
        fixed = x > y if grows else x < y
    if not fixed:
        raise Undetermined("a bounded value")


def flip(b):
    return {"at_least": "at_most", "at_most": "at_least"}.get(b, b)


def join(a, b):
    if a == "exact":
        return b
    if b == "exact":
        return a
    return a if a == b else "mixed"


def direction(env, e):
    n = e["node"]
    if n == "param":
        return param_bound(env, e["index"])
    if n in ("literal", "field"):
        return "exact"
    if n == "definition":
        return direction(env, e["value"])
    if n == "neg":
        return flip(direction(env, e["arg"]))
    if n == "binary" and e["op"] in ("add", "sub", "mul"):
        a, b = direction(env, e["lhs"]), direction(env, e["rhs"])
        if e["op"] == "add":
            return join(a, b)
        if e["op"] == "sub":
            return join(a, flip(b))
        if a == "exact" and b == "exact":
            return "exact"
        if a == "exact" or b == "exact":
            x, other = (b, e["lhs"]) if a == "exact" else (a, e["rhs"])
            try:
                v = env.ev(other)
            except EvalError:
                return "mixed"
            if not isinstance(v, Fraction):
                return "mixed"
            return "exact" if v == 0 else (x if v > 0 else flip(x))
        return "mixed"
    return "mixed" if first_bounded(env, e) is not None else "exact"


def evaluate_measure(env, measure, entity):
    """(status, total, needs slots) of one measure (docs/ir.md, Measure status)."""
    if measure.get("parts") and measure["rules"]:
        return evaluate_parts(env, measure, entity)
    if measure["addressee"] is None or measure["addressee"] != entity:
        return ("not_addressed", None, frozenset())
    eff = measure["effective"]
    if eff["from"] is not None and env.date < parse_date(eff["from"]):
        return ("not_in_force", None, frozenset())
    until = measure["applications_until"]
    if until is not None and env.date > parse_date(until):
        return ("deadline_passed", None, frozenset())
    if eff["to"] is not None and env.date > parse_date(eff["to"]):
        return ("not_in_force", None, frozenset())
    # docs/language.md, "Measure conditions": evaluated once, before the rules
    gate = None
    if measure.get("condition") is not None:
        try:
            gate = env.ev(measure["condition"])
        except EvalError:
            return ("error", None, frozenset())
        if gate is False:
            return ("not_eligible", None, frozenset())
    if not measure["rules"]:
        out = ("eligible", None, frozenset())
    else:
        try:
            out = decide(env, measure)
        except Undetermined:
            return ("undetermined", None, frozenset())
        except EvalError:
            return ("error", None, frozenset())
    if is_unknown(gate) and out[0] in ("eligible", "needs_facts"):
        return ("needs_facts", None, residual(env, measure["condition"]) | out[2])
    return out


# --------------------------------------------------------------------------
# A record on a date


def evaluate_record(ir, text, date, locality):
    try:
        ei, facts = read_facts(ir, parse_json(text))
    except (FactsError, ValueError, RecursionError):
        return {"rejected": True}
    env = Env(ir, facts, date, locality)
    fields = ir["entities"][ei]["fields"]
    measures = {}
    # totals per kind of value (docs/ir.md, "Kinds of value"); the total is
    # the budget outlay: money paid or refunded
    totals = {}
    for m in ir["measures"]:
        env.may = False
        env.value = None
        status, amount, needs = evaluate_measure(env, m, ei)
        if status == "not_addressed":
            continue
        o = {"status": status}
        if status == "eligible" and env.may:
            o["may"] = True
        if status == "eligible" and amount is not None:
            kind = next(r["gives"] for r in m["rules"] if r["amount"] is not None)
            o["amount"] = money_text(amount)
            o["kind"] = kind
            totals[kind] = totals.get(kind, Fraction(0)) + amount
            outlay = totals.get("paid", Fraction(0)) + totals.get("refunded", Fraction(0))
            if abs(totals[kind] * 100) >= LIMIT or abs(outlay * 100) >= LIMIT:
                return {"rejected": True}
        if status == "eligible" and env.value is not None:
            o["value"] = env.value
        if status == "needs_facts":
            o["needs"] = sorted(fact_name(ir, ei, s) for s in needs)
        measures[str(m["number"])] = o
    total = totals.get("paid", Fraction(0)) + totals.get("refunded", Fraction(0))
    r = {"total": money_text(total), "measures": measures}
    others = {k: money_text(v) for k, v in totals.items() if k not in ("paid", "refunded") and v != 0}
    if others:
        r["totals_by_kind"] = others
    return r


def main(argv):
    args = {"--locality": None}
    i = 1
    while i < len(argv):
        if argv[i] in ("--ir", "--facts", "--date", "--locality", "--runs") and i + 1 < len(argv):
            args[argv[i]] = argv[i + 1]
            i += 2
        else:
            sys.stderr.write(__doc__)
            return 2
    if "--ir" not in args or "--facts" not in args:
        sys.stderr.write(__doc__)
        return 2
    with open(args["--ir"], encoding="utf-8") as f:
        ir = json.load(f)
    if ir.get("ir_version") != "3.1":
        sys.stderr.write("unsupported ir_version\n")
        return 1
    if "--runs" in args:
        with open(args["--runs"], encoding="utf-8") as f:
            runs = json.load(f)
    elif "--date" in args:
        runs = [[args["--date"], args["--locality"]]]
    else:
        sys.stderr.write(__doc__)
        return 2
    with open(args["--facts"], encoding="utf-8-sig") as f:
        text = f.read()
    lines = text.split("\n")
    if len([l for l in lines if l.strip()]) > 1:
        try:  # one facts object written over several lines
            if isinstance(json.loads(text), dict):
                lines = [text]
        except ValueError:
            pass
    localities = {l["name"]: l for l in ir["localities"]}
    out = sys.stdout
    for date_text, loc in runs:
        date = parse_date(date_text)
        if date is None or (loc is not None and loc not in localities):
            sys.stderr.write(f"bad date or locality: {date_text} {loc}\n")
            return 2
        locality = localities.get(loc) if loc is not None else None
        for n, line in enumerate(lines, 1):
            if line.strip() == "":
                continue
            r = {"date": date_text, "locality": loc, "line": n}
            r.update(evaluate_record(ir, line.rstrip("\r"), date, locality))
            out.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    sys.exit(main(sys.argv))
