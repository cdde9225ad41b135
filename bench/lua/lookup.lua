-- The recovery's step 2 alone: POST the official e-mail, get the redirect to the masked phone.
-- Each thread fetches one CSRF token first (as the forgot page gives it), then every POST is
-- a new visitor's lookup (no session cookie) of another account.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
require("common")

local accounts = tonumber(os.getenv("BENCH_ACCOUNTS"))
local success = os.getenv("BENCH_SUCCESS")
local form_path = os.getenv("BENCH_PATH")
local cookie, token, started, serial = nil, nil, 0, 0
latencies, completed, errors = {}, 0, 0

function init(args)
  pacing_start()
end

function delay()
  if not token then return 0 end
  local wait, counted_from = pacing_delay()
  started = counted_from
  return wait
end

function request()
  if started == 0 then started = now_ms() end
  if not token then
    return wrk.format("GET", form_path, nil, nil)
  end
  -- Scattered over all the accounts (7919 is prime, so every account comes in turn).
  local n = (id * 104729 + serial * 7919) % accounts
  serial = serial + 1
  return wrk.format("POST", form_path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "govid_csrf=" .. cookie,
  }, "csrfmiddlewaretoken=" .. token .. "&email=" .. string.format("bench%07d", n))
end

function response(status, headers, body)
  if not token then
    cookie, token = csrf_from(headers, body)
    started = 0
    if not token then errors = errors + 1 end
    return
  end
  if status == 302 and header(headers, "Location") == success then
    completed = completed + 1
    table.insert(latencies, now_ms() - started)
  else
    errors = errors + 1
  end
  started = 0
end
