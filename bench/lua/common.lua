-- Shared by the wrk scripts: a monotonic clock, thread numbering, results as one JSON line.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } govid_timespec;
int clock_gettime(int clk_id, govid_timespec *tp);
]]
local ts = ffi.new("govid_timespec")

function now_ms()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
local next_id = 0

-- Main state: number each thread (one connection each, so one virtual user each).
function setup(thread)
  thread:set("id", next_id)
  thread:set("thread_count", tonumber(os.getenv("BENCH_THREADS")))
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- Main state, at the end: every thread's counts and latencies on one line for the caller.
function done(summary, latency, requests)
  local parts = {}
  for _, thread in ipairs(threads) do
    local lat = thread:get("latencies") or {}
    local values = {}
    for i = 1, #lat do values[i] = string.format("%.2f", lat[i]) end
    table.insert(parts, string.format('{"done":%d,"errors":%d,"latencies":[%s]}',
      thread:get("completed") or 0, thread:get("errors") or 0, table.concat(values, ",")))
  end
  io.write(string.format('BENCH_RESULT {"duration_us":%d,"requests":%d,"threads":[%s]}\n',
    summary.duration, summary.requests, table.concat(parts, ",")))
end

-- Thread state: pacing. With BENCH_RATE (operations/s, all threads together) each thread
-- starts its operations on a fixed schedule; latency is then counted from the scheduled start,
-- so a server that falls behind is charged for the wait (no coordinated omission).
local interval, next_start = nil, nil

function pacing_start()
  local rate = tonumber(os.getenv("BENCH_RATE") or "")
  if rate and rate > 0 then
    interval = thread_count / rate * 1000
    next_start = now_ms() + interval * (id / thread_count)
  end
end

-- Milliseconds to wait before the next operation starts, and the time it counts from.
function pacing_delay()
  if not interval then return 0, now_ms() end
  local scheduled = next_start
  next_start = next_start + interval
  local wait = scheduled - now_ms()
  if wait < 0 then wait = 0 end
  return wait, scheduled
end

function urlencode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- A response header by name, whatever its case (HTTP/1.1 servers may send them in lower case).
function header(headers, name)
  local wanted = name:lower()
  for key, value in pairs(headers) do
    if key:lower() == wanted then return value end
  end
  return nil
end

function csrf_from(headers, body)
  local cookie = (header(headers, "Set-Cookie") or ""):match("govid_csrf=([^;]+)")
  local token = body:match('name="csrfmiddlewaretoken" value="([^"]+)"')
  return cookie, token
end
