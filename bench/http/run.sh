#!/usr/bin/env bash
# HTTP load benchmark: `psyscore serve` next to a bare Boost.Beast server
# (bench/http/bare_server.cpp, the ceiling) under wrk, on loopback. Not a test
# and not part of `make test`; results and method: docs/performance.md.
#
# Usage (from anywhere):
#   bench/http/run.sh [BUILD_DIR] [OUT_DIR]
#     BUILD_DIR  a build with -DPSYSCORE_BUILD_BENCHMARKS=ON (default:
#                build/release of this repository); it needs cli/psyscore
#                and bench/http/bare_server. The script builds nothing.
#     OUT_DIR    bodies, server logs and raw wrk lines (default: a new temp dir, kept)
# Environment:
#   RUNS=5               repetitions of every case; the table shows medians
#   DURATION=10          seconds of every timed wrk run
#   CONNECTIONS=16       connections of the full-load single-respondent runs
#   BATCH_CONNECTIONS=4  connections of the batch runs (two per compute thread: one
#                        request computes while the other is in transit)
#   WRK_THREADS=1        wrk threads (the client's share of the 2 cores)
#
# Cases, all POST /v1/instruments/mbi-hss/score (the bare server answers any
# request alike):
#   (a) single: one respondent (22 answers, 184 bytes of JSON), CONNECTIONS
#       keep-alive connections sending back to back: the maximum rate.
#   (b) half: the same request at half of (a)'s median psyscore rate, for
#       latency. wrk has no rate limit, so every connection waits 1 ms after
#       each response (wrk's delay() hook, bench/http/post.lua) and the number
#       of connections sets the rate: per server, two 3-second calibration
#       runs find the number of paced connections that gives the target. The
#       rate reached is reported.
#   (c) batch: 10,000 respondents as JSON (1.75 MB) and as CSV (0.5 MB).
# Both servers run with their default threads (the hardware threads: 2 here;
# psyscore has as many compute threads besides) and share the 2 cores with
# wrk, so neither gets the machine to itself and wrk's own cost is in every
# figure alike. psyscore serve writes its access log (one line per request)
# to a file (OUT_DIR/psyscore.log, ~100 bytes a request), as in production.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$(realpath "${1:-$ROOT/build/release}")"
OUT="${2:-$(mktemp -d /tmp/psyscore-http.XXXXXX)}"
RUNS="${RUNS:-5}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-16}"
BATCH_CONNECTIONS="${BATCH_CONNECTIONS:-4}"
WRK_THREADS="${WRK_THREADS:-1}"
PSYSCORE="$BUILD/cli/psyscore"
BARE="$BUILD/bench/http/bare_server"
LUA="$ROOT/bench/http/post.lua"
TARGET_PATH="/v1/instruments/mbi-hss/score"

for binary in "$PSYSCORE" "$BARE"; do
  [[ -x "$binary" ]] || { echo "not found: $binary (configure with -DPSYSCORE_BUILD_BENCHMARKS=ON and build)" >&2; exit 1; }
done
if ! command -v wrk > /dev/null; then
  echo "installing wrk ..." >&2
  sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  $sudo apt-get install -y wrk > /dev/null || { $sudo apt-get update > /dev/null && $sudo apt-get install -y wrk > /dev/null; }
fi
mkdir -p "$OUT"
OUT="$(realpath "$OUT")"
RESULTS="$OUT/results.txt"
: > "$RESULTS"

# --- servers ---------------------------------------------------------------
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
}
trap cleanup EXIT

# start NAME COMMAND...: starts a server on a free loopback port (it prints
# "listening on port N"); sets PORT and PID.
start() {
  local name="$1"
  shift
  "$@" > "$OUT/$name.out" 2> "$OUT/$name.log" &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 100); do
    PORT="$(sed -n 's/^listening on port \([0-9]*\)$/\1/p' "$OUT/$name.out")"
    [[ -n "$PORT" ]] && return 0
    sleep 0.1
  done
  echo "$name did not start; see $OUT/$name.log" >&2
  exit 1
}

# --- bodies ------------------------------------------------------------------
python3 "$ROOT/bench/http/make_bodies.py" "$OUT" --n 10000

start psyscore "$PSYSCORE" serve --host 127.0.0.1 --port 0
PSYSCORE_PID=$PID
PSYSCORE_URL="http://127.0.0.1:$PORT$TARGET_PATH"

# Sanity, and the size of a one-respondent result (the bare server answers
# with as many bytes).
check() {
  local body="$1" type="$2" respondents="$3"
  local status
  status="$(curl -s -o "$OUT/response.json" -w '%{http_code}' -H "Content-Type: $type" --data-binary "@$body" \
    "$PSYSCORE_URL")"
  python3 - "$OUT/response.json" "$status" "$respondents" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
if sys.argv[2] != "200" or result["summary"]["respondents"] != int(sys.argv[3]):
    sys.exit(f"unexpected answer ({sys.argv[2]}): {str(result)[:300]}")
PY
}
check "$OUT/batch.json" application/json 10000
check "$OUT/batch.csv" text/csv 10000
check "$OUT/single.json" application/json 1
SINGLE_RESPONSE_BYTES="$(stat -c %s "$OUT/response.json")"

start bare "$BARE" --host 127.0.0.1 --port 0 --body-bytes "$SINGLE_RESPONSE_BYTES"
BARE_PID=$PID
BARE_URL="http://127.0.0.1:$PORT$TARGET_PATH"

# --- wrk ---------------------------------------------------------------------
TICKS="$(getconf CLK_TCK)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure CASE SERVER BODY TYPE CONNECTIONS SECONDS [DELAY_MS]: one wrk run;
# appends its RESULT line with the case, the server, the load average and the
# CPU seconds the server and wrk used.
measure() {
  local case="$1" server="$2" body="$3" type="$4" connections="$5" seconds="$6" delay="${7:-}"
  local pid url
  if [[ "$server" == psyscore ]]; then pid=$PSYSCORE_PID url=$PSYSCORE_URL; else pid=$BARE_PID url=$BARE_URL; fi
  local before after line
  before="$(cpu_ticks "$pid")"
  line="$(BODY_FILE="$body" CONTENT_TYPE="$type" DELAY_MS="$delay" /usr/bin/time -f 'wrk_cpu=%U+%S' -o "$OUT/wrk.time" \
    wrk -t"$WRK_THREADS" -c"$connections" -d"${seconds}s" --timeout 10s -s "$LUA" "$url" | grep '^RESULT')"
  after="$(cpu_ticks "$pid")"
  local wrk_cpu
  wrk_cpu="$(sed -n 's/^wrk_cpu=\(.*\)$/\1/p' "$OUT/wrk.time" | bc -l)"
  echo "case=$case server=$server connections=$connections load=$(cut -d' ' -f1 /proc/loadavg)" \
    "server_cpu=$(echo "($after - $before) / $TICKS" | bc -l) wrk_cpu=$wrk_cpu ${line#RESULT }" | tee -a "$RESULTS" >&2
}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"; }

echo "uptime at start: $(uptime)" | tee "$OUT/uptime.txt" >&2

# Warm-up: connections, allocator arenas, page cache.
for server in psyscore bare; do
  measure warmup "$server" "$OUT/single.json" application/json "$CONNECTIONS" 2 > /dev/null 2>&1
done

# (a) maximum rate; the servers alternate so that both see the same
# background load.
for run in $(seq "$RUNS"); do
  order=(psyscore bare)
  ((run % 2)) || order=(bare psyscore)
  for server in "${order[@]}"; do
    measure single "$server" "$OUT/single.json" application/json "$CONNECTIONS" "$DURATION"
  done
done

# (b) half of psyscore's median maximum rate.
MAX_RATE="$(python3 - "$RESULTS" <<'PY'
import statistics, sys
rates = [float(l.split(" rps=")[1].split()[0]) for l in open(sys.argv[1]) if "case=single server=psyscore" in l]
print(statistics.median(rates))
PY
)"
TARGET="$(python3 -c "print(round($MAX_RATE / 2))")"
# A paced connection's rate depends on the server's latency: per server, two
# 3-second calibration runs, each correcting the number of connections of
# the last.
declare -A PACED
for server in psyscore bare; do
  PACED[$server]=16
  for _ in 1 2; do
    measure calibration "$server" "$OUT/single.json" application/json "${PACED[$server]}" 3 1 2> "$OUT/calibration.txt"
    PACED[$server]="$(python3 -c \
      "print(max(1, round(${PACED[$server]} * $TARGET / $(field rps "$(cat "$OUT/calibration.txt")"))))")"
  done
  echo "half load: target $TARGET requests/s: $server with ${PACED[$server]} paced connections" >&2
done
for run in $(seq "$RUNS"); do
  for server in psyscore bare; do
    measure half "$server" "$OUT/single.json" application/json "${PACED[$server]}" "$DURATION" 1
  done
done

# (c) batches.
for run in $(seq "$RUNS"); do
  for server in psyscore bare; do
    measure batch-json "$server" "$OUT/batch.json" application/json "$BATCH_CONNECTIONS" "$DURATION"
    measure batch-csv "$server" "$OUT/batch.csv" text/csv "$BATCH_CONNECTIONS" "$DURATION"
  done
done

echo "uptime at end: $(uptime)" | tee -a "$OUT/uptime.txt" >&2

# --- table -------------------------------------------------------------------
python3 - "$RESULTS" "$TARGET" <<'PY'
import statistics, sys

rows = {}
for line in open(sys.argv[1]):
    fields = dict(item.split("=", 1) for item in line.split())
    rows.setdefault((fields["case"], fields["server"]), []).append(fields)

def median(case, server, key):
    values = [float(r[key]) for r in rows.get((case, server), [])]
    return statistics.median(values) if values else float("nan")

respondents = {"single": 1, "half": 1, "batch-json": 10000, "batch-csv": 10000}
titles = {"single": "(a) 1 respondent, full load", "half": "(b) 1 respondent, half load",
          "batch-json": "(c) 10,000 respondents, JSON", "batch-csv": "(c) 10,000 respondents, CSV"}
print(f"half-load target: {float(sys.argv[2]):.0f} requests/s\n")
print("| case | server | connections | requests/s | respondents/s | p50 ms | p90 ms | p99 ms | "
      "server CPU s/s | wrk CPU s/s | psyscore / bare | errors | load |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for case in respondents:
    for server in ("psyscore", "bare"):
        runs = rows.get((case, server))
        if not runs:
            continue
        rps = median(case, server, "rps")
        # At half load both servers run at the target rate: compare latencies.
        ratio = f"{rps / median(case, 'bare', 'rps'):.2f}" if case != "half" else "-"
        seconds = median(case, server, "seconds")
        errors = sum(int(r["errors"]) + int(r["non2xx"]) for r in runs)
        loads = sorted(float(r["load"]) for r in runs)
        print(f"| {titles[case]} | {server} | {runs[0]['connections']} | {rps:,.0f} | "
              f"{rps * respondents[case]:,.0f} | {median(case, server, 'p50') / 1000:.2f} | "
              f"{median(case, server, 'p90') / 1000:.2f} | {median(case, server, 'p99') / 1000:.2f} | "
              f"{median(case, server, 'server_cpu') / seconds:.2f} | {median(case, server, 'wrk_cpu') / seconds:.2f} | "
              f"{ratio} | {errors} | {loads[0]:.1f}-{loads[-1]:.1f} |")

# The servers' runs of (a) alternate, so run k of one and run k of the other
# saw about the same background load; the median of those paired ratios is
# the least noisy comparison.
pairs = [float(p["rps"]) / float(b["rps"])
         for p, b in zip(rows.get(("single", "psyscore"), []), rows.get(("single", "bare"), []))]
if pairs:
    print(f"\n(a) psyscore / bare, median of the {len(pairs)} paired runs: {statistics.median(pairs):.2f} "
          f"(range {min(pairs):.2f}-{max(pairs):.2f})")
PY
echo
echo "raw results: $RESULTS"
