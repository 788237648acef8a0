-- Request shape for wrk, read from the environment so one script serves every scenario.
-- BENCH_METHOD (default GET), BENCH_BODY (JSON, optional), BENCH_AUTH (Authorization value).
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
