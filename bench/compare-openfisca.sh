#!/usr/bin/env bash
# policyc against OpenFisca on the same rule and the same 1M-record CSV file.
#
# The rule is measure （十二） of the seed policy (吸纳农村牧区劳动力就业补贴: the
# one-time hiring subsidy, 1000 元 per rural worker hired on a contract of
# 12 months or more with social insurance paid, applications until
# 2020-12-31; plus its 以工代训 part), written for OpenFisca in
# bench/openfisca_model.py with openfisca-core's public API.
#
# It builds policyc (release), installs openfisca-core and pandas into a
# virtualenv under target/, generates the population once with
# `policyc sample`, runs both tools RUNS times, checks that the results agree
# record for record, and prints both times (median and range) and the ratio.
#
#   bench/compare-openfisca.sh            # 1 000 000 records, 5 runs
#   N=100000 RUNS=3 bench/compare-openfisca.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
RUNS=${RUNS:-5}
DATE=${DATE:-2020-07-01}
LOCALITY=${LOCALITY:-呼和浩特市}
OUT=target/compare-openfisca
VENV=target/openfisca-venv
BIN=target/release/policyc
mkdir -p "$OUT"

echo "== building policyc (release)"
cargo build --release --quiet

if ! "$VENV/bin/python" -c "import openfisca_core, pandas" 2>/dev/null; then
  echo "== installing openfisca-core and pandas into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "openfisca-core==46.*" pandas
fi
export OF_VERSION; OF_VERSION=$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('openfisca-core'))")

CSV="$OUT/population-$N.csv"
if [ ! -f "$CSV" ]; then
  echo "== generating $N records of 企业 into $CSV"
  "$BIN" sample policies --entity 企业 --count "$N" --seed 12 --missing 0 --format csv -o "$CSV.tmp"
  mv "$CSV.tmp" "$CSV"
fi

echo "== running both, $RUNS times each (policyc $("$BIN" --version | cut -d' ' -f2), openfisca-core $OF_VERSION)"
"$VENV/bin/python" - "$BIN" "$CSV" "$OUT" "$RUNS" "$DATE" "$LOCALITY" <<'PY'
import csv, json, os, resource, statistics, subprocess, sys, time
from decimal import Decimal

binary, population, out, runs, date, locality = sys.argv[1:7]
runs = int(runs)

def policyc(check):
    results = os.path.join(out, f"policyc-{check}.csv")
    cmd = [binary, "batch", "policies", "--input", population, "--date", date,
           "--locality", locality, "--measure", "12", "--check", check,
           "--format", "csv", "-o", results, "-q"]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True)
        times.append(time.perf_counter() - t0)
    return times, results

def fmt(ts):
    return f"{statistics.median(ts):.3f} s (range {min(ts):.3f}–{max(ts):.3f})"

used_times, used_results = policyc("used")
all_times, all_results = policyc("all")
policyc_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

of_out = os.path.join(out, "openfisca.csv")
t0 = time.perf_counter()
proc = subprocess.run(
    [sys.executable, "bench/openfisca_model.py", "--input", population, "--output", of_out,
     "--date", date, "--repeat", str(runs)],
    check=True, capture_output=True, text=True)
of_process = time.perf_counter() - t0
of = json.loads(proc.stdout.strip().splitlines()[-1])
phase = lambda k: [r[k] for r in of["runs"]]

# record for record
def read_policyc(path):
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["rejected"]:
                raise SystemExit(f"policyc rejected line {row['line']}: {row['rejected']}")
            yield row["id"], row["m12_status"], Decimal(row["m12_amount"] or "0")

def read_openfisca(path):
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            yield row["id"], row["status"], Decimal(row["amount"])

n = 0
mismatches = []
for a, b, c in zip(read_policyc(used_results), read_policyc(all_results), read_openfisca(of_out)):
    n += 1
    if not (a == b == c):
        mismatches.append((n, a, b, c))
if n != of["records"]:
    mismatches.append(("count", n, of["records"]))
if mismatches:
    print(f"DISAGREE on {len(mismatches)} records; first: {mismatches[:3]}")
    sys.exit(1)
print(f"agree: {n} records, record for record (id, status, amount); "
      f"{of['eligible']} eligible, total {of['total_yuan']} 元")

of_total = phase("total")
print()
print(f"OpenFisca {os.environ.get('OF_VERSION', '')}: CSV load + simulation build + calculation (in process)")
print(f"  load        {fmt(phase('load'))}")
print(f"  build       {fmt(phase('build'))}")
print(f"  calculate   {fmt(phase('calculate'))}")
print(f"  total       {fmt(of_total)}")
print(f"  (python start and imports {of['import_seconds']:.2f} s; peak memory {of['peak_rss_mib']:.0f} MiB)")
print(f"plain numpy, the same rule over the loaded arrays (20 runs; same results as OpenFisca):")
print(f"  calculate   {fmt(of['numpy_seconds'])}")
print(f"  (policyc's counterpart is `cargo bench --bench batch -- \"in memory\"`)")
print("policyc batch, whole process (start, compile the policy, read, check, evaluate, write results):")
print(f"  --check used  {fmt(used_times)}")
print(f"  --check all   {fmt(all_times)}")
print(f"  (peak memory {policyc_peak:.0f} MiB)")
print()
r_used = statistics.median(of_total) / statistics.median(used_times)
r_all = statistics.median(of_total) / statistics.median(all_times)
print(f"ratio (OpenFisca load+build+calculate ÷ policyc end to end, medians):")
print(f"  policyc --check used: {r_used:.1f}×   (reads the columns the rule reads, as pandas usecols)")
print(f"  policyc --check all:  {r_all:.1f}×   (converts and checks every cell of every record)")
PY
