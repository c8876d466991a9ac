#!/usr/bin/env bash
# Soak test: DURATION seconds of mixed, valid traffic against one psyscore
# serve, with the server's RSS sampled every second.
#
#   bench/soak/run.sh                         # 10 minutes, build/release/cli/psyscore
#   DURATION=120 PSYSCORE=build/deploy/cli/psyscore bench/soak/run.sh
#
# Environment (defaults in brackets):
#   PSYSCORE     the binary [build/release/cli/psyscore]
#   DURATION     seconds of load [600]
#   WARMUP       seconds after which memory must stop growing [60]
#   SERVER_THREADS  psyscore serve --threads [2]
#   CONNECTIONS  wrk connections [16];  WRK_THREADS  wrk threads [2]
#   RSS_TOLERANCE_PCT  allowed growth of RSS from the end of warm-up [10]
#   OUT          directory for the results [a new one under ${TMPDIR:-/tmp}]
#
# It installs wrk with apt-get when missing (through sudo when not root),
# writes the request bodies with make_bodies.py, starts the server on a free
# loopback port with an API key (so every request also goes through the key
# check), runs wrk with mixed.lua, and writes into OUT:
#   rss.csv      seconds,rss_kib,threads,fds: one row per second
#   wrk.txt      wrk's report and mixed.lua's per-kind table
#   metrics.txt  the server's /metrics at the end of the load
#   server.log   the server's log (JSON lines)
#   report.md    the summary table printed at the end
# Exit status 0 only when every request got a 2xx, wrk saw no socket error,
# the server logged no 5xx, stopped cleanly on SIGTERM, and its RSS at the end
# is within RSS_TOLERANCE_PCT of its RSS at the end of warm-up.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
PSYSCORE=${PSYSCORE:-$repo/build/release/cli/psyscore}
DURATION=${DURATION:-600}
WARMUP=${WARMUP:-60}
SERVER_THREADS=${SERVER_THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
WRK_THREADS=${WRK_THREADS:-2}
RSS_TOLERANCE_PCT=${RSS_TOLERANCE_PCT:-10}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/psyscore-soak.XXXXXX")}
mkdir -p "$OUT"

if ((WARMUP >= DURATION)); then
  echo "error: WARMUP ($WARMUP s) must be shorter than DURATION ($DURATION s)" >&2
  exit 2
fi
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk
fi
if [ ! -x "$PSYSCORE" ]; then
  echo "error: no psyscore binary at $PSYSCORE (run 'make build', or set PSYSCORE)" >&2
  exit 2
fi

server_pid=""
sampler_pid=""
cleanup() {
  if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

python3 "$here/make_bodies.py" "$OUT/bodies"
key=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
printf '# soak test key\n%s\n' "$key" >"$OUT/api-keys"

"$PSYSCORE" --instruments "$repo/instruments" serve --host 127.0.0.1 --port 0 --threads "$SERVER_THREADS" \
  --api-key-file "$OUT/api-keys" --log-format json >"$OUT/server.out" 2>"$OUT/server.log" &
server_pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/^listening on port \([0-9]*\)$/\1/p' "$OUT/server.out")
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "error: psyscore did not start:" >&2
  cat "$OUT/server.log" >&2
  exit 1
fi
url="http://127.0.0.1:$port"

# One row per second: elapsed seconds, resident set (KiB), threads and open
# file descriptors (a connection leak shows in the last).
sample() {
  local start now rss threads fds
  start=$(date +%s.%N)
  echo "seconds,rss_kib,threads,fds"
  while kill -0 "$server_pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null) || break
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null) || break
    fds=$(find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    now=$(date +%s.%N)
    echo "$(awk -v a="$now" -v b="$start" 'BEGIN {printf "%.1f", a - b}'),$rss,$threads,$fds"
    sleep 1
  done
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "psyscore pid $server_pid on $url; ${DURATION} s of load, results in $OUT"
sample >"$OUT/rss.csv" &
sampler_pid=$!
PSYSCORE_API_KEY=$key wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s --latency \
  -s "$here/mixed.lua" "$url" -- "$OUT/bodies" | tee "$OUT/wrk.txt"
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

curl -fsS -H "Authorization: Bearer $key" "$url/metrics" >"$OUT/metrics.txt"
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""
kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""

python3 - "$OUT" "$WARMUP" "$RSS_TOLERANCE_PCT" "$server_status" "$load_start" "$load_end" \
  "$SERVER_THREADS" "$CONNECTIONS" "$WRK_THREADS" "$DURATION" <<'EOF'
import csv, os, platform, re, sys

out, warmup, tolerance, server_status = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
load_start, load_end, server_threads, connections, wrk_threads, duration = sys.argv[5:11]

result = {}
for line in open(os.path.join(out, "wrk.txt")):
    if line.startswith("RESULT "):
        result = {k: float(v) for k, v in (pair.split("=") for pair in line.split()[1:])}
rows = [(float(r["seconds"]), int(r["rss_kib"]), int(r["threads"]), int(r["fds"]))
        for r in csv.DictReader(open(os.path.join(out, "rss.csv")))]
server_5xx = sum(int(m.group(2)) for m in re.finditer(r'^psyscore_http_requests_total\{.*status="(5\d\d)"\} (\d+)$',
                                                        open(os.path.join(out, "metrics.txt")).read(), re.M))

def at(t):
    return min(rows, key=lambda r: abs(r[0] - t))

warm = at(warmup)
after = [r for r in rows if r[0] >= warm[0]]
peak = max(rows, key=lambda r: r[1])
peak_after = max(after, key=lambda r: r[1])
end = rows[-1]
# Least-squares slope of RSS after warm-up, in KiB per minute: a leak shows
# as a steady positive slope even when it is small next to the noise.
n = len(after)
mt = sum(r[0] for r in after) / n
mr = sum(r[1] for r in after) / n
sxx = sum((r[0] - mt) ** 2 for r in after)
slope = 60 * sum((r[0] - mt) * (r[1] - mr) for r in after) / sxx if sxx else 0.0
growth = end[1] - warm[1]
growth_pct = 100.0 * growth / warm[1]

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mib = lambda kib: f"{kib / 1024:.1f} MiB"
lines = [
    f"| machine | {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; load average {load_start} at start, {load_end} at end |",
    f"| load | {duration} s, wrk {wrk_threads} threads / {connections} connections, psyscore --threads {server_threads} |",
    f"| requests | {int(result['requests'])} ({result['rps']:.1f}/s) |",
    f"| non-2xx (Lua-counted) | {int(result['non2xx'])} |",
    f"| socket errors (connect/read/write/timeout) | {int(result['socket_errors'])} |",
    f"| 5xx in the server's /metrics | {server_5xx} |",
    f"| latency mean / p50 / p90 / p99 / p99.9 / max | {result['mean_ms']:.1f} / {result['p50_ms']:.1f} / {result['p90_ms']:.1f} / {result['p99_ms']:.1f} / {result['p999_ms']:.1f} / {result['max_ms']:.1f} ms |",
    f"| RSS at end of warm-up ({warm[0]:.0f} s) | {mib(warm[1])} |",
    f"| RSS max after warm-up (at {peak_after[0]:.0f} s) | {mib(peak_after[1])} |",
    f"| RSS max overall (at {peak[0]:.0f} s) | {mib(peak[1])} |",
    f"| RSS at end ({end[0]:.0f} s) | {mib(end[1])} |",
    f"| growth, warm-up to end | {growth / 1024:+.1f} MiB ({growth_pct:+.1f} %) |",
    f"| RSS slope after warm-up | {slope:+.1f} KiB/min |",
    f"| threads, open fds at warm-up / end | {warm[2]}, {warm[3]} / {end[2]}, {end[3]} |",
    f"| server exit status after SIGTERM | {server_status} |",
]
failures = []
if result.get("non2xx", 1) != 0: failures.append("some valid requests got a non-2xx status")
if result.get("socket_errors", 1) != 0: failures.append("wrk saw socket errors")
if server_5xx: failures.append("the server answered 5xx")
if server_status != 0: failures.append(f"the server exited with {server_status} after SIGTERM")
if growth_pct > tolerance: failures.append(f"RSS grew {growth_pct:.1f} % after warm-up (tolerance {tolerance} %)")
report = "| soak | result |\n|---|---|\n" + "\n".join(lines) + "\n"
report += ("\nFAILED: " + "; ".join(failures) if failures else "\nPASSED") + "\n"
open(os.path.join(out, "report.md"), "w").write(report)
print(report)
sys.exit(1 if failures else 0)
EOF
