-- wrk script of bench/http/run.sh: POSTs one body file again and again and
-- prints one machine-readable line when the run is done.
--
-- Environment:
--   BODY_FILE     the request body (required)
--   CONTENT_TYPE  its media type (default application/json)
--   DELAY_MS      when set, every connection waits this many milliseconds
--                 after each response before it sends the next request
--                 (wrk's delay() hook): how run.sh paces a run at a fraction
--                 of the maximum rate, since wrk itself has no rate limit
--
-- The line (all latencies in microseconds, from wrk's own histogram, which
-- measures from a request's first byte sent to its response's last byte):
--   RESULT requests=N seconds=S rps=R bytes=B errors=E non2xx=X p50=.. p90=.. p99=.. p999=.. max=.. mean=..

local file = assert(io.open(os.getenv("BODY_FILE"), "rb"), "BODY_FILE is not readable")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE") or "application/json"

local pause = tonumber(os.getenv("DELAY_MS") or "")
if pause then
  function delay()
    return pause
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f bytes=%d errors=%d non2xx=%d " ..
      "p50=%d p90=%d p99=%d p999=%d max=%d mean=%.1f\n",
    summary.requests, seconds, summary.requests / seconds, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
