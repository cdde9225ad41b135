-- The floor: GET one path (BENCH_PATH) again and again on a kept-alive connection; every
-- 200 counts. What a request costs when the view does nothing.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
require("common")

local path = os.getenv("BENCH_PATH")
local started = 0
latencies, completed, errors = {}, 0, 0

function init(args)
  pacing_start()
end

function delay()
  local wait, counted_from = pacing_delay()
  started = counted_from
  return wait
end

function request()
  if started == 0 then started = now_ms() end
  return wrk.format("GET", path, nil, nil)
end

function response(status, headers, body)
  if status == 200 then
    completed = completed + 1
    table.insert(latencies, now_ms() - started)
  else
    errors = errors + 1
  end
  started = 0
end
