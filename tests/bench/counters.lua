-- POST /api/v1/counters/{name}/hits for wrk: the key in X-API-Key (BENCH_API_KEY), the counter
-- cycling through BENCH_COUNTERS (comma-separated), so hits don't all queue on one row's lock.
local next_thread = 0

function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
end

local requests = {}
local count = 0
local index = 0

function init(args)
  local headers = { ["X-API-Key"] = os.getenv("BENCH_API_KEY") }
  for name in string.gmatch(os.getenv("BENCH_COUNTERS") or "", "[^,]+") do
    count = count + 1
    requests[count] = wrk.format("POST", "/api/v1/counters/" .. name .. "/hits", headers, "")
  end
  index = ((thread_number or 0) * 37) % count
end

function request()
  index = index % count + 1
  return requests[index]
end
