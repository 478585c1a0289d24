#!/usr/bin/env python3
"""Measure （十二） of 内政办发〔2020〕10号 written for OpenFisca, with its public API.

（十二）吸纳农村牧区劳动力就业补贴, as policyc's seed encodes it
(policies/seed/05_促进农村牧区劳动力就业创业.policy), addressed to an employer (企业):

  * 一次性吸纳就业补贴 — hires rural labour (吸纳农村牧区劳动力人数 > 0), contract of
    at least 12 months (劳动合同期限 >= 12), social insurance paid
    (按规定缴纳社会保险费): 1000 元 per person hired (the default; 呼和浩特市 sets none);
  * 以工代训职业培训补贴 — runs on-the-job training (开展以工代训) for hired registered
    poor labour (吸纳建档立卡贫困劳动力人数 > 0): persons × min(months, 6) × the
    locality's monthly standard (呼和浩特市: 500 元/人/月);
  * applications until 2020-12-31.

The measure's amount is the sum of the two parts; it is eligible when either applies.
Amounts are whole 元 here, kept in int64 arrays (exact; no floats).

Usage: openfisca_model.py --input population.csv --output results.csv
           [--date 2020-07-01] [--repeat 5]
Prints one JSON object with the timings of each phase (load, build, calculate)
per repetition, the time of the same rule in plain numpy over the loaded arrays
(20 runs), and the peak memory. Writes `id,status,amount` per record.
"""

import argparse
import datetime
import json
import resource
import sys
import time

T_START = time.perf_counter()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from openfisca_core.entities import build_entity  # noqa: E402
from openfisca_core.parameters import ParameterNode  # noqa: E402
from openfisca_core.periods import DAY, ETERNITY  # noqa: E402
from openfisca_core.simulations import SimulationBuilder  # noqa: E402
from openfisca_core.taxbenefitsystems import TaxBenefitSystem  # noqa: E402
from openfisca_core.variables import Variable  # noqa: E402

T_IMPORTED = time.perf_counter()

# ---------------------------------------------------------------------------
# Entities: each record is one employer. OpenFisca needs a "person" entity;
# here the person is the 企业 record.

Enterprise = build_entity(
    key="enterprise",
    plural="enterprises",
    label="企业：用人单位（含农牧业经营主体、扶贫车间等就业载体）",
    is_person=True,
)

# ---------------------------------------------------------------------------
# Facts (inputs), named after the policy's fields; ETERNITY: one value per record.

INPUTS = {
    # variable name: (CSV column, value type)
    "rural_hires": ("吸纳农村牧区劳动力人数", int),
    "contract_months": ("劳动合同期限", int),
    "social_insurance_paid": ("按规定缴纳社会保险费", bool),
    "work_training": ("开展以工代训", bool),
    "poor_hires": ("吸纳建档立卡贫困劳动力人数", int),
    "training_months": ("以工代训月数", int),
}


def input_variable(name, column, vtype):
    return type(
        name,
        (Variable,),
        {
            "value_type": vtype,
            "entity": Enterprise,
            "definition_period": ETERNITY,
            "label": column,
        },
    )


# ---------------------------------------------------------------------------
# The rules.

DEADLINE = datetime.date(2020, 12, 31)  # 政策受理截止期限


class m12_in_time(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DAY
    label = "申请日不晚于受理截止期限 2020-12-31"

    def formula(enterprise, period, parameters):
        ok = period.start.date <= DEADLINE
        return np.full(enterprise.count, ok)


class m12_hiring_subsidy_applies(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DAY
    label = "一次性吸纳就业补贴：吸纳农村牧区劳动力、签订1年以上劳动合同、按规定缴纳社会保险费"

    def formula(enterprise, period, parameters):
        p = parameters(period).measure_12
        hires = enterprise("rural_hires", period)
        months = enterprise("contract_months", period)
        paid = enterprise("social_insurance_paid", period)
        return (hires > 0) * (months >= p.min_contract_months) * paid


class m12_hiring_subsidy(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DAY
    label = "一次性吸纳就业补贴（元）：每人 1000 元"

    def formula(enterprise, period, parameters):
        p = parameters(period).measure_12
        applies = enterprise("m12_hiring_subsidy_applies", period)
        hires = enterprise("rural_hires", period).astype(np.int64)
        return np.where(applies, hires * p.hiring_subsidy_per_person, 0)


class m12_training_subsidy_applies(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DAY
    label = "以工代训职业培训补贴：开展以工代训并吸纳建档立卡贫困劳动力"

    def formula(enterprise, period, parameters):
        training = enterprise("work_training", period)
        poor = enterprise("poor_hires", period)
        return training * (poor > 0)


class m12_training_subsidy(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DAY
    label = "以工代训职业培训补贴（元）：人数 × min(月数, 6) × 月标准"

    def formula(enterprise, period, parameters):
        p = parameters(period).measure_12
        applies = enterprise("m12_training_subsidy_applies", period)
        poor = enterprise("poor_hires", period).astype(np.int64)
        months = np.minimum(
            enterprise("training_months", period), p.training_max_months
        ).astype(np.int64)
        return np.where(applies, poor * months * p.training_subsidy_per_person_month, 0)


class m12_eligible(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DAY
    label = "（十二）吸纳农村牧区劳动力就业补贴：符合条件"

    def formula(enterprise, period, parameters):
        in_time = enterprise("m12_in_time", period)
        either = enterprise("m12_hiring_subsidy_applies", period) + enterprise(
            "m12_training_subsidy_applies", period
        )
        return in_time * either


class m12_amount(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DAY
    label = "（十二）吸纳农村牧区劳动力就业补贴：金额（元）"

    def formula(enterprise, period, parameters):
        in_time = enterprise("m12_in_time", period)
        total = enterprise("m12_hiring_subsidy", period) + enterprise(
            "m12_training_subsidy", period
        )
        return np.where(in_time, total, 0)


PARAMETERS = {
    "measure_12": {
        "min_contract_months": {"values": {"2019-01-01": 12}},
        # 农村牧区劳动力吸纳就业补贴标准: by locality, default (and floor) 1000 元/人
        "hiring_subsidy_per_person": {"values": {"2019-01-01": 1000}},
        # 以工代训职业培训补贴标准: 呼和浩特市 500 元/人/月
        "training_subsidy_per_person_month": {"values": {"2019-01-01": 500}},
        "training_max_months": {"values": {"2019-01-01": 6}},
    }
}


def tax_benefit_system():
    tbs = TaxBenefitSystem([Enterprise])
    for name, (column, vtype) in INPUTS.items():
        tbs.add_variable(input_variable(name, column, vtype))
    for v in (
        m12_in_time,
        m12_hiring_subsidy_applies,
        m12_hiring_subsidy,
        m12_training_subsidy_applies,
        m12_training_subsidy,
        m12_eligible,
        m12_amount,
    ):
        tbs.add_variable(v)
    tbs.parameters = ParameterNode("", data=PARAMETERS)
    return tbs


# ---------------------------------------------------------------------------


def load(path):
    """The CSV's id and the rule's columns; an empty cell would be NaN (not allowed here)."""
    columns = ["id"] + [c for c, _ in INPUTS.values()]
    dtypes = {c: ("int64" if t is int else "bool") for c, t in INPUTS.values()}
    dtypes["id"] = "string"
    return pd.read_csv(
        path,
        usecols=columns,
        dtype=dtypes,
        true_values=["true"],
        false_values=["false"],
        engine="c",
    )


def build(tbs, frame, day):
    sb = SimulationBuilder()
    sb.create_entities(tbs)
    sb.declare_person_entity("enterprise", frame["id"].to_numpy())
    sim = sb.build(tbs)
    for name, (column, _) in INPUTS.items():
        sim.set_input(name, ETERNITY, frame[column].to_numpy())
    return sim


def calculate(sim, day):
    eligible = sim.calculate("m12_eligible", day)
    amount = sim.calculate("m12_amount", day)
    return eligible, amount


def plain_numpy(frame, day):
    """The same rule written directly in numpy over the in-memory arrays: the
    floor for "the calculation itself" (no OpenFisca, no reading)."""
    hires = frame["吸纳农村牧区劳动力人数"].to_numpy()
    months = frame["劳动合同期限"].to_numpy()
    paid = frame["按规定缴纳社会保险费"].to_numpy()
    training = frame["开展以工代训"].to_numpy()
    poor = frame["吸纳建档立卡贫困劳动力人数"].to_numpy()
    tmonths = frame["以工代训月数"].to_numpy()
    in_time = datetime.date.fromisoformat(day) <= DEADLINE
    arrays = (hires, months, paid, training, poor, tmonths)

    def rule(hires, months, paid, training, poor, tmonths):
        hiring = (hires > 0) & (months >= 12) & paid
        train = training & (poor > 0)
        amount = np.where(hiring, hires * 1000, 0) + np.where(
            train, poor * np.minimum(tmonths, 6) * 500, 0
        )
        eligible = (hiring | train) & in_time
        return eligible, np.where(in_time, amount, 0)

    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        eligible, amount = rule(*arrays)
        times.append(time.perf_counter() - t0)
    return sorted(times), eligible, amount


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--date", default="2020-07-01")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    tbs = tax_benefit_system()
    runs = []
    result = None
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        frame = load(args.input)
        t1 = time.perf_counter()
        sim = build(tbs, frame, args.date)
        t2 = time.perf_counter()
        eligible, amount = calculate(sim, args.date)
        t3 = time.perf_counter()
        runs.append(
            {"load": t1 - t0, "build": t2 - t1, "calculate": t3 - t2, "total": t3 - t0}
        )
        result = (frame, eligible, amount)
        del sim

    frame, eligible, amount = result
    numpy_times, np_eligible, np_amount = plain_numpy(frame, args.date)
    if not (np.array_equal(np_eligible, eligible) and np.array_equal(np_amount, amount)):
        raise SystemExit("plain numpy and OpenFisca disagree")
    status = np.where(eligible, "eligible", "not_eligible")
    out = pd.DataFrame({"id": frame["id"], "status": status, "amount": amount})
    out.to_csv(args.output, index=False)

    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "records": int(len(frame)),
                "import_seconds": T_IMPORTED - T_START,
                "runs": runs,
                "numpy_seconds": numpy_times,
                "peak_rss_mib": peak_kib / 1024,
                "eligible": int(eligible.sum()),
                "total_yuan": int(amount.sum()),
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
