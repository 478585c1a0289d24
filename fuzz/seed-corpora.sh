#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs taken from the repository:
# every policy file, every bad input, the example facts files, and the JSON
# export of the small fixtures with a few hand-made corruptions. Run from the
# repository root or from fuzz/; needs a built `policyc` (cargo build).
set -euo pipefail
cd "$(dirname "$0")/.."
policyc=${CARGO_TARGET_DIR:-target}/debug/policyc
[ -x "$policyc" ] || cargo build -q
c=fuzz/corpus
mkdir -p "$c/parse" "$c/check" "$c/fmt_roundtrip" "$c/facts_eval" "$c/ir_load_eval" "$c/batch_csv" "$c/batch_jsonl"

n=0
for f in policies/*/*.policy tests/fixtures/*.policy tests/diagnostics/*.policy tests/bad/policies/*.policy; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  for t in parse check fmt_roundtrip; do cp "$f" "$c/$t/seed-$n.policy"; done
done
# one whole measure per file, so that `check` starts from inputs that compile
cat tests/fixtures/slice.policy > "$c/check/seed-slice.policy"

for f in docs/examples/*.json tests/bad/facts/*.json; do
  [ -f "$f" ] || continue
  cp "$f" "$c/facts_eval/$(basename "$f")"
done
# valid records of every entity of the seed, from `policyc sample`
for entity in 企业 个人 服务机构 创业担保贷款 国有企业 地区; do
  i=0
  "$policyc" sample policies --entity "$entity" --count 4 --seed 7 2>/dev/null |
    while IFS= read -r line; do
      i=$((i + 1))
      printf '%s\n' "$line" > "$c/facts_eval/sample-$entity-$i.json"
    done || true
done
cat > "$c/facts_eval/enterprise.json" <<'JSON'
{"entity": "企业", "facts": {"规模": "小型", "裁员率": "3%", "上年度失业保险费": 48000}}
JSON
cat > "$c/facts_eval/person.json" <<'JSON'
{"entity": "个人", "facts": {}}
JSON

for f in tests/fixtures/slice.policy tests/fixtures/schema_sample.policy; do
  b=$(basename "$f" .policy)
  "$policyc" export "$f" -o "$c/ir_load_eval/$b.json"
  j="$c/ir_load_eval/$b.json"
  # corruptions: another version, indices pointing nowhere, types swapped
  sed 's/"ir_version": "3.1"/"ir_version": "1.0"/' "$j" > "$c/ir_load_eval/$b-version.json"
  sed 's/"slot": 0/"slot": 99/' "$j" > "$c/ir_load_eval/$b-slot.json"
  sed 's/"index": 0/"index": 4294967295/' "$j" > "$c/ir_load_eval/$b-index.json"
  sed 's/"exception_to": null/"exception_to": 0/' "$j" > "$c/ir_load_eval/$b-exception.json"
  sed 's/"type": "bool"/"type": "date"/' "$j" > "$c/ir_load_eval/$b-type.json"
  sed 's/"number": "\([0-9]*\)"/"number": "79228162514264337593543950335"/' "$j" > "$c/ir_load_eval/$b-huge.json"
  sed 's/"op": "mul"/"op": "div"/' "$j" > "$c/ir_load_eval/$b-div.json"
done
# batch: the first byte chooses the record size limit, the chunk size and a BOM
# (see the targets); the CSV target adds the header `id,规模,裁员率` itself
{ printf '\x0f'; printf 'r1,小型,5%%\nr2,"中,型",\n"q\n""x""",微型,1.5%%\nr3,小"型,5.5\n"open,小型,1%%\nr4,小型,2%%\r\n'; } > "$c/batch_csv/mixed"
{ printf '\x00'; printf 'r1,小型,5%%\n%s\nr2,小型,1%%\n' "$(head -c 300 /dev/zero | tr '\0' x)"; } > "$c/batch_csv/long"
{ printf '\x1f'; "$policyc" sample policies --entity 企业 --count 20 --seed 7 2>/dev/null; printf '{"entity":"企业","facts":{"规模":"小型","规模":"中型"}}\n{"entity":\n\r'; } > "$c/batch_jsonl/sample"
echo "seeded $(find "$c" -type f | wc -l) files in $c"
