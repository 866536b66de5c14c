#!/usr/bin/env bash
# End-to-end benchmark. Generates CloudTrail with `trailhound simulate` (NDJSON and the S3
# .json.gz layout) and measures, on the same data in the same run:
#   - the floors: zcat of the gz tree, its decompression alone with the hunt's library
#     (`trailhound scan --decompress-only`), and a full JSON parse of every record (`trailhound scan`);
#   - trailhound hunting with the bundled pack and with every loadable rule of ../shared/corpus
#     (Elastic, Sigma, Datadog together), on one thread and on all cores;
#   - Chainsaw with the shared Sigma rules (mapping: bench/chainsaw-cloudtrail.yml) and Suzaku on
#     the gz tree, when their binaries are on the PATH.
# Prints a Markdown table (seconds, records/s, MB/s, peak RSS, filters evaluated per record) and
# writes it to bench/results/latest.md.
#
# Usage: bench/run.sh [--events N] [--smoke]
#   --events N   records to simulate (default 1000000)
#   --smoke      5000 records over one day, table in the data folder only: what the test suite
#                runs (crates/cli/tests/bench_smoke.rs) so the script never rots
# Generated data is cached in ${BENCH_DATA:-target/bench-data}/<N>/.
set -euo pipefail
cd "$(dirname "$0")/.."

events=1000000
days=7
smoke=0
while [ $# -gt 0 ]; do
    case "$1" in
        --events) events="$2"; shift 2 ;;
        --smoke) events=5000; days=1; smoke=1; shift ;;
        *) echo "usage: bench/run.sh [--events N] [--smoke]" >&2; exit 2 ;;
    esac
done

# TRAILHOUND_BIN: an already built binary (the smoke test passes the one `cargo test` built).
if [ -n "${TRAILHOUND_BIN:-}" ]; then
    bin="$TRAILHOUND_BIN"
else
    cargo build --release --locked -p trailhound --quiet
    bin="$PWD/target/release/trailhound"
fi
data="${BENCH_DATA:-$PWD/target/bench-data}/$events-$days"
mkdir -p "$data"
if [ ! -s "$data/events.ndjson" ]; then
    "$bin" simulate --ndjson "$data/events.ndjson" -n "$events" -d "$days" --seed 1 --all-attacks -q
fi
if [ ! -d "$data/s3/AWSLogs" ]; then
    "$bin" simulate --out "$data/s3" -n "$events" -d "$days" --seed 1 --all-attacks -q
fi
ndjson="$data/events.ndjson"
gztree="$data/s3/AWSLogs"
records=$(grep -c '' "$ndjson")
ndjson_mb=$(du -m "$ndjson" | cut -f1)
gz_mb=$(du -sm "$gztree" | cut -f1)
gz_files=$(find "$gztree" -name '*.gz' | wc -l)
cores=$(nproc)
corpus="$PWD/../shared/corpus"
corpus_rules=()
for d in elastic-rules elastic-hunting sigma-cloudtrail datadog-rules; do
    [ -d "$corpus/$d" ] && corpus_rules+=(-r "$corpus/$d")
done

table="$data/table.md"
: > "$table"
# measure NAME INPUT_MB COMMAND...: wall seconds and peak RSS of COMMAND; its stderr is kept
# in $data/last.err for the filters-per-record statistic.
measure() {
    local name="$1" mb="$2"
    shift 2
    /usr/bin/time -o "$data/time" -f "%e %M" "$@" > /dev/null 2> "$data/last.err" || true
    local secs kb rate mbs filters
    # The last line: GNU time puts "Command exited with non-zero status N" before it.
    read -r secs kb < <(tail -n 1 "$data/time")
    rate=$(awk -v n="$records" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
    mbs=$(awk -v m="$mb" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? m / s : 0) }')
    filters=$(grep -o '[0-9.]* filters evaluated per event' "$data/last.err" | cut -d' ' -f1 || true)
    echo "| $name | $secs | $rate | $mbs | $((kb / 1024)) | ${filters:--} |" >> "$table"
    echo "  $name: ${secs} s" >&2
}

echo "benchmark: $records records, $ndjson_mb MB NDJSON, $gz_mb MB in $gz_files .json.gz files, $cores cores" >&2

measure "zcat gz tree, 1 core" "$gz_mb" \
    sh -c 'find "$1" -name "*.gz" -print0 | xargs -0 cat | gzip -dc' _ "$gztree"
measure "zcat gz tree, $cores cores" "$gz_mb" \
    sh -c 'find "$1" -name "*.gz" -print0 | xargs -0 -P "$2" -n 256 sh -c "cat \"\$@\" | gzip -dc" _' _ "$gztree" "$cores"
measure "decompress only (flate2 + zlib-rs, as the hunt reads), gz tree, $cores threads" "$gz_mb" \
    "$bin" scan --decompress-only --threads "$cores" "$gztree"
measure "floor: parse every record, NDJSON, 1 thread" "$ndjson_mb" "$bin" scan --no-progress --threads 1 "$ndjson"
measure "floor: parse every record, NDJSON, $cores threads" "$ndjson_mb" "$bin" scan --no-progress "$ndjson"
measure "floor: decompress + parse, gz tree, $cores threads" "$gz_mb" "$bin" scan --no-progress "$gztree"
measure "normalize --view ecs, NDJSON, 1 thread" "$ndjson_mb" "$bin" normalize --view ecs --no-progress --threads 1 "$ndjson"
measure "normalize --view ecs, NDJSON, $cores threads" "$ndjson_mb" "$bin" normalize --view ecs --no-progress "$ndjson"
hunt=("$bin" hunt --no-progress -f jsonl -o /dev/null)
measure "hunt, bundled pack, NDJSON, 1 thread" "$ndjson_mb" "${hunt[@]}" --threads 1 "$ndjson"
measure "hunt, bundled pack, NDJSON, $cores threads" "$ndjson_mb" "${hunt[@]}" "$ndjson"
measure "hunt, bundled pack, gz tree, $cores threads" "$gz_mb" "${hunt[@]}" "$gztree"
if [ ${#corpus_rules[@]} -gt 0 ]; then
    measure "hunt, shared corpus rules, NDJSON, 1 thread" "$ndjson_mb" "${hunt[@]}" "${corpus_rules[@]}" --threads 1 "$ndjson"
    measure "hunt, shared corpus rules, NDJSON, $cores threads" "$ndjson_mb" "${hunt[@]}" "${corpus_rules[@]}" "$ndjson"
    measure "hunt, shared corpus rules, gz tree, $cores threads" "$gz_mb" "${hunt[@]}" "${corpus_rules[@]}" "$gztree"
    measure "hunt, shared Sigma rules only, NDJSON, 1 thread" "$ndjson_mb" "${hunt[@]}" -r "$corpus/sigma-cloudtrail" --threads 1 "$ndjson"
fi
if command -v chainsaw > /dev/null && [ -d "$corpus/sigma-cloudtrail" ]; then
    cp "$ndjson" "$data/events.jsonl" 2>/dev/null || true
    measure "chainsaw, shared Sigma rules, NDJSON" "$ndjson_mb" chainsaw hunt "$data/events.jsonl" \
        --sigma "$corpus/sigma-cloudtrail" --mapping bench/chainsaw-cloudtrail.yml --load-unknown --jsonl -q
else
    echo "| chainsaw (not on PATH) | - | - | - | - | - |" >> "$table"
fi
if command -v suzaku > /dev/null; then
    measure "suzaku, its rules, gz tree" "$gz_mb" suzaku aws-ct-timeline -d "$gztree" -o "$data/suzaku.csv" -q
else
    echo "| suzaku (not on PATH) | - | - | - | - | - |" >> "$table"
fi

out=bench/results/latest.md
[ "$smoke" = 1 ] && out="$data/results.md"
mkdir -p "$(dirname "$out")"
{
    echo "## trailhound benchmark"
    echo
    echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet -- . ':!bench/results' 2>/dev/null || echo ' (modified)')"
    echo "- machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $cores cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "- data: $records records (\`trailhound simulate -n $events -d $days --seed 1 --all-attacks\`), $ndjson_mb MB NDJSON, $gz_mb MB in $gz_files .json.gz files"
    echo "- command: \`bench/run.sh --events $events\`"
    echo
    echo "| run | seconds | records/s | MB/s (input) | peak RSS MB | filters evaluated per record |"
    echo "|---|---:|---:|---:|---:|---:|"
    cat "$table"
} | tee "$out"
