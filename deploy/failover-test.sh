#!/usr/bin/env bash
# Failover test: two psyscore instances behind nginx (deploy/nginx/psyscore.conf)
# on loopback, under load; each instance in turn is stopped with SIGTERM in
# the middle of the run and started again. Passes when no request fails and
# both restarted instances take traffic again.
#
#   deploy/failover-test.sh
#   PSYSCORE=build/deploy/cli/psyscore DURATION=60 deploy/failover-test.sh
#
# Environment (defaults in brackets):
#   PSYSCORE     the binary [build/release/cli/psyscore]
#   DURATION     seconds of load [40]; the stops and starts happen at fixed
#                fractions of it: SIGTERM A at 20 %, start A at 35 %, SIGHUP A at
#                45 %, SIGTERM B at 55 %, start B at 70 %
#   CONNECTIONS  wrk connections [16]
#   STOP_SIGNAL  TERM stops instances cleanly (they drain) [TERM]; KILL makes
#                them crash instead, so that the requests they had in flight
#                must be retried by nginx on the other instance
#   KEEP         1 keeps the work directory even when the test passes [0]
#
# It installs nginx, wrk, openssl, curl and python3 with apt-get when missing (through
# sudo when not root). Everything runs as the current user in a temporary
# directory: nginx gets a generated nginx.conf that includes the repository's
# psyscore.conf with only these changes: the listen address (a free loopback
# port), the upstream ports, a self-signed certificate, log paths, and a high
# request rate (all the load comes from one address). The load is
# bench/soak/mixed.lua: valid requests of every kind, with every non-2xx
# response and every socket error counted.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
PSYSCORE=${PSYSCORE:-$repo/build/release/cli/psyscore}
DURATION=${DURATION:-40}
CONNECTIONS=${CONNECTIONS:-16}
STOP_SIGNAL=${STOP_SIGNAL:-TERM}
KEEP=${KEEP:-0}

missing=()
for tool in nginx wrk openssl curl python3; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$PSYSCORE" ]; then
  echo "error: no psyscore binary at $PSYSCORE (run 'make build', or set PSYSCORE)" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/psyscore-failover.XXXXXX")
declare -A pid=()
wrk_pid=""
nginx_started=0
passed=0
cleanup() {
  local name
  if [ -n "$wrk_pid" ]; then kill "$wrk_pid" 2>/dev/null || true; fi
  for name in "${!pid[@]}"; do
    if [ -n "${pid[$name]}" ]; then kill "${pid[$name]}" 2>/dev/null || true; fi
  done
  if [ "$nginx_started" = 1 ] && [ -s "$work/nginx.pid" ]; then
    kill -QUIT "$(cat "$work/nginx.pid")" 2>/dev/null || true
  fi
  if [ "$passed" = 1 ] && [ "$KEEP" != 1 ]; then
    rm -rf "$work"
  else
    echo "work directory kept: $work"
  fi
}
trap cleanup EXIT

log() { printf '[%6.1f s] %s\n' "$(awk -v a="$(date +%s.%N)" -v b="${t0:-$(date +%s.%N)}" 'BEGIN {print a - b}')" "$*"; }

# Three free loopback ports: instance A, instance B, nginx.
read -r port_a port_b port_nginx < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

python3 "$repo/bench/soak/make_bodies.py" "$work/bodies"
key=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
printf '%s\n' "$key" >"$work/api-keys"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost \
  -keyout "$work/tls.key" -out "$work/tls.pem" 2>/dev/null

# The repository's psyscore.conf with the test's ports and paths. Every
# replacement must match exactly as often as expected, so that a change to
# psyscore.conf cannot silently leave the test running something else.
python3 - "$repo/deploy/nginx/psyscore.conf" "$work/psyscore.conf" "$work" "$port_a" "$port_b" "$port_nginx" <<'EOF'
import sys
source, target, work, port_a, port_b, port_nginx = sys.argv[1:]
text = open(source).read()
for old, new in [
    ("listen 443 ssl;", f"listen 127.0.0.1:{port_nginx} ssl;"),
    ("listen [::]:443 ssl;", ""),
    ("/etc/ssl/certs/psyscore.example.org.pem", f"{work}/tls.pem"),
    ("/etc/ssl/private/psyscore.example.org.key", f"{work}/tls.key"),
    ("server 127.0.0.1:8081 ", f"server 127.0.0.1:{port_a} "),
    ("server 127.0.0.1:8082 ", f"server 127.0.0.1:{port_b} "),
    ("/var/log/nginx/psyscore.access.log", f"{work}/access.log"),
    ("/var/log/nginx/psyscore.error.log", f"{work}/error.log"),
    ("rate=20r/s", "rate=100000r/s"),
]:
    if text.count(old) != 1:
        sys.exit(f"psyscore.conf: expected exactly one {old!r}, found {text.count(old)}")
    text = text.replace(old, new)
open(target, "w").write(text)
EOF
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user $(id -un) $(id -gn);"
cat >"$work/nginx.conf" <<EOF
# Generated by deploy/failover-test.sh: runs deploy/nginx/psyscore.conf
# (adapted in psyscore.conf beside this file) as the current user.
$user_line
worker_processes 2;
pid $work/nginx.pid;
error_log $work/error.log info;
events { worker_connections 1024; }
http {
    client_body_temp_path $work/client_body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    include $work/psyscore.conf;
}
EOF
"$nginx" -t -q -e "$work/error.log" -p "$work" -c "$work/nginx.conf"

# start NAME PORT: a psyscore instance, as systemd would run it (JSON logs,
# an API key), logging to NAME.log; waits until it listens.
start() {
  local name=$1 port=$2
  "$PSYSCORE" --instruments "$repo/instruments" serve --host 127.0.0.1 --port "$port" --threads 1 \
    --api-key-file "$work/api-keys" --log-format json >"$work/$name.out" 2>>"$work/$name.log" &
  pid[$name]=$!
  for _ in $(seq 100); do
    grep -q "^listening on port $port\$" "$work/$name.out" 2>/dev/null && return 0
    kill -0 "${pid[$name]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "error: instance $name did not start on port $port" >&2
  cat "$work/$name.log" >&2
  exit 1
}

failures=()
drained=0
case $STOP_SIGNAL in
  TERM) expected_status=0 ;;
  KILL) expected_status=137 ;;
  *) echo "error: STOP_SIGNAL must be TERM or KILL" >&2; exit 2 ;;
esac
# stop NAME: send STOP_SIGNAL, then wait for the expected exit: 0 after a
# drain, 137 after SIGKILL.
stop() {
  local name=$1 status=0 began
  began=$(date +%s.%N)
  kill -"$STOP_SIGNAL" "${pid[$name]}"
  wait "${pid[$name]}" || status=$?
  pid[$name]=""
  # Requests the instance answered between SIGTERM and its exit: the ones
  # that were in flight when the drain began.
  local answered
  answered=$(awk '/received SIGTERM/ {n = 0; p = 1; next} /"stopped"/ {p = 0} p && / [0-9][0-9][0-9] [0-9.]+ms id=/ {n++}
                  END {print n + 0}' "$work/$name.log")
  drained=$((drained + answered))
  local how="answered $answered requests while draining and exited"
  [ "$STOP_SIGNAL" = KILL ] && how="was killed"
  log "instance $name $how with status $status after" \
    "$(awk -v a="$(date +%s.%N)" -v b="$began" 'BEGIN {printf "%.2f s", a - b}')"
  [ "$status" -eq "$expected_status" ] || failures+=("instance $name exited with status $status after SIG$STOP_SIGNAL")
}

# served URL: requests an instance answered, other than /metrics itself.
served() {
  curl -fsS -H "Authorization: Bearer $key" "$1/metrics" |
    awk '/^psyscore_http_requests_total\{/ && !/route="\/metrics"/ {n += $NF} END {print n + 0}'
}

at() { # at SECONDS: sleep until SECONDS after the start of the load
  local delay
  delay=$(awk -v t="$1" -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN {d = t - (a - b); print (d > 0 ? d : 0)}')
  sleep "$delay"
}

start A "$port_a"
start B "$port_b"
"$nginx" -e "$work/error.log" -p "$work" -c "$work/nginx.conf"
nginx_started=1
url="https://127.0.0.1:$port_nginx"
curl -fsS -k -o /dev/null "$url/readyz"
echo "instances A :$port_a, B :$port_b behind nginx $url; ${DURATION} s of load; work in $work"

t0=$(date +%s.%N)
PSYSCORE_API_KEY=$key wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s --latency \
  -s "$repo/bench/soak/mixed.lua" "$url" -- "$work/bodies" >"$work/wrk.txt" 2>&1 &
wrk_pid=$!
frac() { awk -v d="$DURATION" -v f="$1" 'BEGIN {print d * f}'; }

at "$(frac 0.20)"; log "SIG$STOP_SIGNAL to instance A"; stop A
at "$(frac 0.35)"; start A "$port_a"; log "instance A started again"
at "$(frac 0.45)"; kill -HUP "${pid[A]}"; log "SIGHUP to instance A (reload)"
at "$(frac 0.55)"; log "SIG$STOP_SIGNAL to instance B"; stop B
at "$(frac 0.70)"; start B "$port_b"; log "instance B started again"
wait "$wrk_pid" || failures+=("wrk exited with an error")
wrk_pid=""
log "load finished"
cat "$work/wrk.txt"

result=$(sed -n 's/^RESULT //p' "$work/wrk.txt")
value() { sed -n "s/.*\\b$1=\\([0-9.]*\\).*/\\1/p" <<<"$result"; }
requests=$(value requests)
non2xx=$(value non2xx)
socket_errors=$(value socket_errors)
served_a=$(served "http://127.0.0.1:$port_a")
served_b=$(served "http://127.0.0.1:$port_b")
reloads_a=$(curl -fsS -H "Authorization: Bearer $key" "http://127.0.0.1:$port_a/metrics" |
  awk '/^psyscore_registry_reloads_total\{outcome="ok"\}/ {print $NF}')
# nginx's view: requests sent to more than one instance, and why.
retried=$(grep -c 'upstream=[^ ]*, ' "$work/access.log" || true)
# 499 is nginx's note that the client left first: wrk closes its connections
# with requests still in flight when its time is up.
nginx_non2xx=$(awk '$5 !~ /^2/ && $5 != 499' "$work/access.log" | wc -l)
upstream_errors=$(grep -cE 'upstream prematurely closed|connect\(\) failed|recv\(\) failed|send\(\) failed' \
  "$work/error.log" || true)

[ -n "$result" ] || failures+=("wrk printed no RESULT line")
[ "${requests:-0}" -gt 0 ] 2>/dev/null || failures+=("no request was answered")
[ "${non2xx:-1}" = 0 ] || failures+=("$non2xx responses were not 2xx")
[ "${socket_errors:-1}" = 0 ] || failures+=("$socket_errors socket errors")
[ "$nginx_non2xx" = 0 ] || failures+=("nginx logged $nginx_non2xx non-2xx responses")
[ "$served_a" -gt 0 ] || failures+=("instance A took no traffic after its restart")
[ "$served_b" -gt 0 ] || failures+=("instance B took no traffic after its restart")
[ "$reloads_a" = 1 ] || failures+=("instance A did not reload on SIGHUP")

cat <<EOF

| failover test | result |
|---|---|
| load | ${DURATION} s through nginx (TLS) to 2 instances, wrk 2 threads / $CONNECTIONS connections, SIG$STOP_SIGNAL |
| requests | $requests |
| non-2xx (Lua-counted; nginx access log, less 499) | $non2xx; $nginx_non2xx |
| socket errors | $socket_errors |
| requests answered by an instance while it drained | $drained |
| requests nginx retried on the other instance | $retried |
| upstream errors in nginx's error log | $upstream_errors |
| requests served after restart: A, B | $served_a, $served_b |
| SIGHUP reloads of A | ${reloads_a:-0} ok |
| load average | $(cut -d' ' -f1-3 /proc/loadavg) |
EOF
if [ "${#failures[@]}" -gt 0 ]; then
  printf 'FAILED: %s\n' "${failures[@]}"
  echo "nginx error log excerpts:"
  grep -E '\[(error|warn)\]' "$work/error.log" | head -20 || true
  exit 1
fi
passed=1
echo "PASSED"
