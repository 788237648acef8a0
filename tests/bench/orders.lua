-- POST /api/v1/orders for wrk: one unit of one product per request, a different product each
-- time (cycling through the list), so concurrent orders don't all queue on one row's lock.
-- BENCH_AUTH: the Authorization value; BENCH_PRODUCT_IDS: comma-separated product ids.
local next_thread = 0

function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
end

local requests = {}
local count = 0
local index = 0

function init(args)
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = os.getenv("BENCH_AUTH"),
  }
  for id in string.gmatch(os.getenv("BENCH_PRODUCT_IDS") or "", "[^,]+") do
    count = count + 1
    requests[count] = wrk.format(
      "POST", nil, headers, '{"items":[{"productId":"' .. id .. '","quantity":1}]}'
    )
  end
  -- Threads start far apart in the list, so they don't order the same product together.
  index = ((thread_number or 0) * 997) % count
end

function request()
  index = index % count + 1
  return requests[index]
end
