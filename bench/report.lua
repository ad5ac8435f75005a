-- wrk script: optional Authorization header, and one machine-readable result line at the end.
-- Usage: BENCH_TOKEN=<jwt> wrk -s bench/report.lua ... URL
--   BENCH_FRESH_HOST=1: every request carries a Host header never used before (c<random>-<n>.bench:<port>).
--   Resource URLs in responses follow the Host header, so this defeats the server's per-URL cache of renderings:
--   it measures the uncached path. BENCH_PATH (below) puts that host into the path as well.
-- The last line of wrk's output is then:
--   RESULT requests=N duration_s=F rps=F p50_ms=F p90_ms=F p99_ms=F max_ms=F bytes=N non2xx=N socket_errors=N
-- Requests other than a plain GET (bench/zaken.sh):
--   BENCH_METHOD=POST  BENCH_BODY_FILE=<file with the request body>  BENCH_HEADERS="Name: value|Name: value"
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
wrk.headers["Accept"] = "application/json"

local method = os.getenv("BENCH_METHOD")
if method and method ~= "" then wrk.method = method end
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end
for header in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
  local name, value = header:match("^%s*([^:]+):%s*(.-)%s*$")
  if name then wrk.headers[name] = value end
end

local fresh_host = os.getenv("BENCH_FRESH_HOST") == "1"
local prefix, counter, port = "", 0, ""

function init(args)
  -- Each wrk thread has its own Lua state: a random prefix keeps the threads' host names apart.
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  prefix = string.format("c%d", math.random(1, 1000000000))
  port = wrk.port or ""
  if port ~= "" then port = ":" .. port end
end

-- BENCH_PATH: with BENCH_FRESH_HOST, the request path, in which {host} is replaced by that request's Host (for
-- query parameters that hold one of the server's own URLs, such as catalogus=http://{host}/...).
local path_template = os.getenv("BENCH_PATH")
if path_template == "" then path_template = nil end

if fresh_host then
  function request()
    counter = counter + 1
    local host = string.format("%s-%d.bench%s", prefix, counter, port)
    wrk.headers["Host"] = host
    if path_template then
      return wrk.format(nil, (path_template:gsub("{host}", function() return host end)))
    end
    return wrk.format()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f bytes=%d non2xx=%d socket_errors=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.bytes, e.status, e.connect + e.read + e.write + e.timeout))
end
