-- Request shape for wrk, read from the environment so one script serves every scenario.
-- BENCH_METHOD (default GET), BENCH_BODY (JSON, optional), BENCH_AUTH (Authorization value),
-- BENCH_BODIES (JSON bodies one per line, optional: each request takes the next, in turn).
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local auth = os.getenv("BENCH_AUTH")

wrk.method = method
if body ~= nil and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
if auth ~= nil and auth ~= "" then
  wrk.headers["Authorization"] = auth
end

local bodies = {}
for line in (os.getenv("BENCH_BODIES") or ""):gmatch("[^\n]+") do
  bodies[#bodies + 1] = line
end
if #bodies > 0 then
  wrk.headers["Content-Type"] = "application/json"
  local turn = 0
  request = function()
    turn = turn % #bodies + 1
    return wrk.format(nil, nil, nil, bodies[turn])
  end
end
