-- wrk script: optional Authorization header, and one machine-readable result line at the end.
-- Usage: BENCH_TOKEN=<jwt> wrk -s bench/report.lua ... URL
-- The last line of wrk's output is then:
--   RESULT requests=N duration_s=F rps=F p50_ms=F p90_ms=F p99_ms=F max_ms=F bytes=N non2xx=N socket_errors=N
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f bytes=%d non2xx=%d socket_errors=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.bytes, e.status, e.connect + e.read + e.write + e.timeout))
end
