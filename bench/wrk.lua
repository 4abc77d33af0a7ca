-- wrk script for bench/run: rotates over the paths in WRK_PATHS (one per line), makes every
-- request a distinct reader (own X-Forwarded-For), counts 200s, and stops each thread after
-- WRK_SECONDS right after a response, so no request is left in flight: the views the database
-- gained must then equal the 200s counted here.
local threads = {}
local paths_file = os.getenv("WRK_PATHS")
local seconds = tonumber(os.getenv("WRK_SECONDS") or "5")
local run = os.getenv("WRK_RUN") or "0"

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(paths_file) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  n, ok, bad = 0, 0, 0
  math.randomseed(tid * 7919 + os.time())
  i = math.random(#paths)
  -- os.time() has whole seconds; wall time in microseconds comes from date(1), read twice.
  t0 = now_us()
  t1 = t0
  deadline = os.time() + seconds
end

function now_us()
  local pipe = io.popen("date +%s%6N")
  local value = tonumber(pipe:read("*l"))
  pipe:close()
  return value
end

function request()
  n = n + 1
  i = i % #paths + 1
  -- 10.<tid>.<n/256>.<n%256>: a new reader for every request of every thread
  local ip = string.format("10.%d.%d.%d", tid % 256, math.floor(n / 256) % 256, n % 256)
  local headers = {
    ["X-Forwarded-For"] = ip,
    ["User-Agent"] = "Mozilla/5.0 (Linux; Android 14; bench " .. run .. "-" .. n .. ") AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
  }
  -- "{n}" in a path makes each request a different URL (a page the cache has not seen)
  local path = string.gsub(paths[i], "{n}", tid .. "-" .. n)
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
  if os.time() >= deadline then
    t1 = now_us()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local total_ok, total_bad, first, last = 0, 0, nil, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_bad = total_bad + t:get("bad")
    if first == nil or t:get("t0") < first then first = t:get("t0") end
    if t:get("t1") > last then last = t:get("t1") end
    -- a thread whose requests were too slow to reach its deadline was stopped by wrk itself
    if t:get("t1") == t:get("t0") then stopped_by_wrk = true end
  end
  if stopped_by_wrk then last = first + summary.duration end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "ok": %d, "bad": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "errors": %d, "elapsed_us": %d}\n',
    summary.requests, total_ok, total_bad, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, last - first))
end
