-- wrk script: a deterministic mix of valid psyscore requests, counting every
-- response that is not 2xx, per kind of request.
--
--   wrk -t2 -c16 -d600s --timeout 30s -s bench/soak/mixed.lua http://127.0.0.1:8080 -- BODIES_DIR [MIX]
--
-- BODIES_DIR holds the files of make_bodies.py. MIX overrides the weights,
-- e.g. "score-single=50,list=50"; kinds left out are not sent. With the
-- environment variable PSYSCORE_API_KEY set, every request carries
-- "Authorization: Bearer <key>".
--
-- wrk pairs no response with its request, so every request carries an
-- X-Request-Id "<kind>-<thread>-<n>", which psyscore (and nginx, with
-- deploy/nginx/psyscore.conf) echoes: the response() hook reads the kind
-- back from it. At the end done() prints a table per kind and one line
-- "RESULT key=value ..." for scripts (bench/soak/run.sh, deploy/failover-test.sh).

local kinds = {
  {name = "score-single", weight = 30, method = "POST", path = "/v1/instruments/mbi-hss/score",
   file = "score-single.json", type = "application/json"},
  {name = "score-batch", weight = 8, method = "POST", path = "/v1/instruments/mbi-hss/score",
   file = "score-batch.json", type = "application/json"},
  {name = "score-csv", weight = 10, method = "POST", path = "/v1/instruments/mbi-hss/score",
   file = "score.csv", type = "text/csv"},
  {name = "score-inline", weight = 10, method = "POST", path = "/v1/score",
   file = "score-inline.json", type = "application/json"},
  {name = "reliability", weight = 5, method = "POST", path = "/v1/instruments/mbi-hss/reliability",
   file = "reliability.json", type = "application/json"},
  {name = "change", weight = 10, method = "POST", path = "/v1/instruments/mbi-hss/change",
   file = "change.json", type = "application/json"},
  {name = "compare", weight = 10, method = "POST", path = "/v1/instruments/mbi-hss/compare",
   file = "compare.json", type = "application/json"},
  {name = "list", weight = 17, method = "GET", path = "/v1/instruments"},
}

-- Main state: remember every thread so that done() can collect its counts.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

-- Thread state below (each wrk thread runs its own copy of this script).
sent = {}          -- kind -> requests sent
answered = {}      -- kind -> responses received
non2xx = {}        -- kind -> responses with a status outside 200..299
samples = ""       -- the first few failures, for the report
local prepared = {}    -- kind name -> {head, tail}: the request around its id
local schedule = {}    -- kind names in sending order, weighted
local position = 0
local counter = 0
local sample_count = 0

local function read_file(path)
  local f = assert(io.open(path, "rb"), "cannot open " .. path .. " (run make_bodies.py first)")
  local content = f:read("*a")
  f:close()
  return content
end

local function parse_mix(text)
  local weights = {}
  for name, weight in string.gmatch(text, "([%w%-]+)=(%d+)") do weights[name] = tonumber(weight) end
  return weights
end

function init(args)
  local dir = args[1] or error("usage: wrk ... -s mixed.lua URL -- BODIES_DIR [MIX]")
  local mix = args[2] and parse_mix(args[2]) or nil
  local key = os.getenv("PSYSCORE_API_KEY")
  local active = {}
  for _, kind in ipairs(kinds) do
    local weight = kind.weight
    if mix then weight = mix[kind.name] or 0 end
    if weight > 0 then
      local headers = {["X-Request-Id"] = "@ID@"}
      if key and key ~= "" then headers["Authorization"] = "Bearer " .. key end
      local body = nil
      if kind.file then
        headers["Content-Type"] = kind.type
        body = read_file(dir .. "/" .. kind.file)
      end
      local text = wrk.format(kind.method, kind.path, headers, body)
      local at = string.find(text, "@ID@", 1, true)
      prepared[kind.name] = {string.sub(text, 1, at - 1), string.sub(text, at + 4)}
      sent[kind.name], answered[kind.name], non2xx[kind.name] = 0, 0, 0
      table.insert(active, {name = kind.name, weight = weight, current = 0})
    end
  end
  assert(#active > 0, "the mix selects no kind of request")
  -- Smooth weighted round robin (as nginx balances upstreams): the kinds
  -- interleave instead of arriving in blocks.
  local total = 0
  for _, a in ipairs(active) do total = total + a.weight end
  for _ = 1, total do
    local best = nil
    for _, a in ipairs(active) do
      a.current = a.current + a.weight
      if not best or a.current > best.current then best = a end
    end
    best.current = best.current - total
    table.insert(schedule, best.name)
  end
  -- Threads start at different points of the schedule.
  position = ((thread_id or 1) - 1) * 7
end

function request()
  position = position % #schedule + 1
  local name = schedule[position]
  counter = counter + 1
  sent[name] = sent[name] + 1
  local parts = prepared[name]
  return parts[1] .. name .. "-" .. (thread_id or 1) .. "-" .. counter .. parts[2]
end

function response(status, headers, body)
  local id = headers["X-Request-Id"] or headers["x-request-id"] or ""
  local name = string.match(id, "^(.-)%-%d+%-%d+$")
  if not name or not answered[name] then name = "unknown" end
  answered[name] = (answered[name] or 0) + 1
  if status < 200 or status > 299 then
    non2xx[name] = (non2xx[name] or 0) + 1
    if sample_count < 5 then
      sample_count = sample_count + 1
      samples = samples .. string.format("  %s: HTTP %d id=%s %s\n", name, status, id,
                                         string.sub(string.gsub(body or "", "%s+", " "), 1, 200))
    end
  end
end

function done(summary, latency, requests)
  local totals = {}
  local order = {}
  local all_samples = ""
  for _, thread in ipairs(threads) do
    for _, field in ipairs({"sent", "answered", "non2xx"}) do
      for name, n in pairs(thread:get(field) or {}) do
        if not totals[name] then
          totals[name] = {sent = 0, answered = 0, non2xx = 0}
          table.insert(order, name)
        end
        totals[name][field] = totals[name][field] + n
      end
    end
    all_samples = all_samples .. (thread:get("samples") or "")
  end
  table.sort(order)

  local answered, failed = 0, 0
  io.write(string.format("\n%-14s %10s %10s %8s\n", "kind", "sent", "answered", "non-2xx"))
  for _, name in ipairs(order) do
    local t = totals[name]
    answered = answered + t.answered
    failed = failed + t.non2xx
    io.write(string.format("%-14s %10d %10d %8d\n", name, t.sent, t.answered, t.non2xx))
  end
  if all_samples ~= "" then io.write("first failures:\n" .. all_samples) end

  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  local function ms(x) return x / 1000 end
  io.write(string.format(
    "RESULT requests=%d answered=%d non2xx=%d socket_errors=%d connect=%d read=%d write=%d timeout=%d " ..
    "seconds=%.1f rps=%.1f mean_ms=%.2f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f\n",
    summary.requests, answered, failed, socket_errors, e.connect, e.read, e.write, e.timeout,
    seconds, summary.requests / seconds, ms(latency.mean), ms(latency:percentile(50)), ms(latency:percentile(90)),
    ms(latency:percentile(99)), ms(latency:percentile(99.9)), ms(latency.max)))
end
