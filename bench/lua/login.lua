-- A full login per operation, as a person's browser does it: GET the login page (a new visitor,
-- no cookies), then POST the form with its CSRF token; the answer must be the redirect that
-- sets the session. Each thread cycles through its own slice of the accounts.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
require("common")

local accounts = tonumber(os.getenv("BENCH_ACCOUNTS"))
local password = urlencode(os.getenv("BENCH_PASSWORD"))
local success = os.getenv("BENCH_SUCCESS")  -- where a successful login redirects
local step, cookie, token, started, serial = "get", nil, nil, 0, 0
latencies, completed, errors = {}, 0, 0

function init(args)
  pacing_start()
end

function delay()
  if step ~= "get" then return 0 end
  local wait, counted_from = pacing_delay()
  started = counted_from
  return wait
end

function request()
  if step == "get" then
    if started == 0 then started = now_ms() end
    return wrk.format("GET", "/", {["Accept-Language"] = "vi"}, nil)
  end
  local n = (id + serial * thread_count) % accounts
  serial = serial + 1
  local body = "csrfmiddlewaretoken=" .. token .. "&username=" ..
    string.format("bench%07d", n) .. "&password=" .. password
  return wrk.format("POST", "/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "govid_csrf=" .. cookie,
  }, body)
end

function response(status, headers, body)
  if step == "get" then
    cookie, token = csrf_from(headers, body)
    if status == 200 and cookie and token then
      step = "post"
      return
    end
  elseif status == 302 and header(headers, "Location") == success then
    completed = completed + 1
    table.insert(latencies, now_ms() - started)
    step, started = "get", 0
    return
  end
  errors = errors + 1
  step, started = "get", 0
end
