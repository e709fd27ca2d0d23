-- wrk script for bench/run.py: optional POST body, and a count of every response status.
--   BENCH_METHOD     GET (default) or POST
--   BENCH_BODY_FILE  file whose bytes are sent as an application/x-www-form-urlencoded body
-- done() prints one "status <code> <count>" line per status seen, which run.py checks.

wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

statuses = {}  -- per thread (each wrk thread runs this file in its own Lua state)

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("status %d %d\n", status, count))
  end
end
