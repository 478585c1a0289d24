"""Facts of the reference model (`policyc_ref.py`): records read and checked
against the entity's fields, as docs/cli.md says policyc reads them."""

import json
import re
import sys
from fractions import Fraction

from ref_values import *  # noqa: F401,F403 (one definition of each value type)



# --------------------------------------------------------------------------
# Facts (docs/cli.md, "eval")


class FactsError(Exception):
    pass


def no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise FactsError(f"the key `{k}` is given twice")
        d[k] = v
    return d


class Num(str):
    """A JSON number, kept as its text."""


UNIT_ORDER = ["元", "人", "天", "月", "年"]
PLAIN_RE = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")  # a digit on each side of the point
JSON_NUM_RE = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")


def unit_text(dim):
    """A Dim as a facts string writes it: `元`, `元/人/月`, `人`, `月`."""
    num = [u for u in UNIT_ORDER if dim.get(u, 0) == 1]
    den = [u for u in UNIT_ORDER if dim.get(u, 0) == -1]
    return "".join(num) + "".join("/" + u for u in den)


def same_unit(written, wanted):
    """Whether a facts string's unit is the field's: `个月` is `月`, and the
    denominators may come in any order (`元/月/人` is `元/人/月`)."""
    def parts(u):
        head, *den = u.replace("个月", "月").split("/")
        return head, sorted(den)
    return parts(written) == parts(wanted)


def written_decimals(text):
    return len(text.split(".")[1]) if "." in text else 0


def too_many_decimals(x: Fraction) -> bool:
    return (x * 10**28).denominator != 1


def read_number(v, ty):
    """A number fact (docs/cli.md, eval): exactly, or FactsError."""
    kind, unit = ty["kind"], ty["unit"]
    if isinstance(v, Num):  # a JSON number: its digits, exactly
        text = str(v)
        if not JSON_NUM_RE.match(text):
            raise FactsError("not a number")
        if "e" in text.lower():
            x = Fraction(text)
            if too_many_decimals(x):
                raise FactsError("too many decimals")
        else:
            if written_decimals(text) > 28:
                raise FactsError("too many decimals")
            x = Fraction(text)
    elif isinstance(v, str):
        t = v.strip()
        if kind == "percent":
            if not t.endswith("%"):
                raise FactsError("a percentage needs its %")
            digits = t[:-1].strip()
            if not PLAIN_RE.match(digits) or written_decimals(digits) > 28:
                raise FactsError("not a percentage")
            x = Fraction(digits) / 100
            if too_many_decimals(x):
                raise FactsError("too many decimals")
        else:
            k = 0
            while k < len(t) and (t[k].isascii() and (t[k].isdigit() or t[k] in ".-")):
                k += 1
            digits, rest = t[:k], t[k:].strip()
            if not PLAIN_RE.match(digits) or written_decimals(digits) > 28:
                raise FactsError("not a number")
            x = Fraction(digits)
            if rest.startswith("万"):
                x *= 10000
                rest = rest[1:].strip()
            if rest != "" and not same_unit(rest, unit_text(unit)):
                raise FactsError("wrong unit")
    else:
        raise FactsError("expected a number")
    if abs(x) >= 10**15:
        raise FactsError("too large")
    if kind == "integer" and x.denominator != 1:
        raise FactsError("a fraction where a whole number is needed")
    if (unit or kind == "percent") and x < 0:  # a count, an amount or a share
        raise FactsError("negative")
    return x


def read_facts(ir, obj):
    """(entity index, {slot: value}) of a facts object, or FactsError."""
    if not isinstance(obj, dict):
        raise FactsError("not an object")
    for k in obj:
        if k not in ("entity", "facts", "id"):
            raise FactsError(f"unknown key {k}")
    names = [e["name"] for e in ir["entities"]]
    if obj.get("entity") not in names:
        raise FactsError("unknown entity")
    ei = names.index(obj["entity"])
    fields = ir["entities"][ei]["fields"]
    fnames = [f["name"] for f in fields]
    facts = obj.get("facts", {})
    if not isinstance(facts, dict):
        raise FactsError("facts is not an object")
    out = {}
    lnames = [l["name"] for l in ir["entities"][ei].get("lists", [])]
    for k, v in facts.items():
        if k in lnames:  # a list of member records: an array of objects
            li = lnames.index(k)
            if v is None:
                continue
            if not isinstance(v, list) or len(v) > 10000:
                raise FactsError("not a list of members")
            rec = ir["records"][ir["entities"][ei]["lists"][li]["record"]]
            members = []
            for m in v:
                if not isinstance(m, dict):
                    raise FactsError("a member that is not an object")
                members.append(read_values(ir, rec["fields"], m))
            out[("list", li)] = members
            continue
        if k not in fnames:
            raise FactsError(f"unknown field {k}")
    out.update(read_values(ir, fields, {k: v for k, v in facts.items() if k not in lnames}))
    return ei, out


def read_values(ir, fields, facts):
    """{slot: value} of the facts of one object, by `fields`."""
    fnames = [f["name"] for f in fields]
    out = {}
    for k, v in facts.items():
        if k not in fnames:
            raise FactsError(f"unknown field {k}")
        slot = fnames.index(k)
        if v is None:
            continue
        ty = fields[slot]["type"]
        t = ty["type"]
        if t == "bool":
            if not isinstance(v, bool):
                raise FactsError("expected a bool")
            out[slot] = v
        elif t == "date":
            z = parse_date(v)
            if z is None:
                raise FactsError("bad date")
            out[slot] = Date(z)
        elif t == "enum":
            variants = ir["enums"][ty["id"]]["variants"]
            if not isinstance(v, str) or v not in variants:
                raise FactsError("not a variant")
            out[slot] = Variant(variants.index(v))
        else:
            out[slot] = read_number(v, ty)
    return out


def fact_name(ir, ei, s):
    """A field's name, a list's, or `列表[i].字段` (members from 0)."""
    ent = ir["entities"][ei]
    if isinstance(s, int):
        return ent["fields"][s]["name"]
    lst = ent["lists"][s[1]]
    if s[0] == "list":
        return lst["name"]
    rec = ir["records"][lst["record"]]
    return f'{lst["name"]}[{s[2]}].{rec["fields"][s[3]]["name"]}'


def parse_json(text):
    return json.loads(
        text,
        object_pairs_hook=no_duplicates,
        parse_float=Num,
        parse_int=Num,
        parse_constant=lambda c: (_ for _ in ()).throw(FactsError(c)),
    )
