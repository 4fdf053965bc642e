-- wrk script: every request signs in as the next benchmark user.
-- Usage: wrk ... -s bench/rotate.lua <url> -- <requests.tsv>
-- Each line of requests.tsv: METHOD <tab> PATH <tab> SESSION TOKEN <tab> FORM BODY
-- done() prints one JSON line. There is no response() hook (it cost wrk 2-4 µs
-- a request, a sixth of its CPU): bench.py checks every response's status in
-- the server's /metrics, and wrk itself counts statuses of 400 and above.
-- The requests are formatted once, in init(): request() only picks the next
-- (formatting each in Lua took about a quarter of wrk's CPU, which shares the cores
-- with the server it measures).

local lines = {}
local idx = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local method, path, token, body = line:match("^(%u+)\t([^\t]+)\t([^\t]+)\t?(.*)$")
    if method then
      local headers = {
        ["Cookie"] = "inflow_session=" .. token,
        ["Sec-Fetch-Site"] = "same-origin",
      }
      if method == "POST" then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        table.insert(lines, wrk.format("POST", path, headers, body))
      else
        table.insert(lines, wrk.format(method, path, headers))
      end
    end
  end
  -- Each thread starts at its own place in the list.
  idx = (id * 7919) % #lines
end

function request()
  idx = idx % #lines + 1
  return lines[idx]
end

function done(summary, latency, requests)
  local e = summary.errors
  -- One quantile per 0.1 %, so that the harness can merge the latencies of
  -- several runs.
  local q = {}
  for k = 1, 999 do
    q[k] = string.format("%.3f", latency:percentile(k / 10) / 1000)
  end
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"socket_errors":%d,"quantiles_ms":[%s]}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.status + e.timeout, table.concat(q, ",")))
end
