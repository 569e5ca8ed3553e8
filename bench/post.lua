-- wrk script for bench/run.sh: POSTs the same signed GitHub push webhook on every request.
--   BENCH_BODY_FILE  file with the exact body bytes (bench/payload.json)
--   BENCH_SIGNATURE  value of X-Hub-Signature-256 ("sha256=<hex>"); the bare app ignores it
-- No X-GitHub-Delivery header, so the gateway does no dedupe. done() prints one machine-readable
-- line, "BENCH_RESULT {json}", that run.sh parses (latencies in microseconds).

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local req

function init(args)
   local name = os.getenv("BENCH_BODY_FILE") or "bench/payload.json"
   local f = assert(io.open(name, "rb"), "cannot open " .. name)
   local body = f:read("*a")
   f:close()
   local headers = {
      ["Content-Type"] = "application/json",
      ["User-Agent"] = "GitHub-Hookshot/7d1e3b5",
      ["X-GitHub-Event"] = "push",
      ["X-GitHub-Hook-ID"] = "512345678",
      ["X-GitHub-Hook-Installation-Target-ID"] = "186853002",
      ["X-GitHub-Hook-Installation-Target-Type"] = "repository",
      ["X-Hub-Signature-256"] = assert(os.getenv("BENCH_SIGNATURE"), "BENCH_SIGNATURE is not set"),
   }
   req = wrk.format("POST", nil, headers, body)
   sent = 0
end

-- A request() function makes wrk call it for every request; it only returns the prepared request
-- and counts it, so the Redis check can tell requests sent from responses received. wrk calls it
-- once more, in the first thread before the run, to verify the request: done() subtracts that one.
function request()
   sent = sent + 1
   return req
end

function done(summary, latency, requests)
   local total = 0
   for _, t in ipairs(threads) do
      total = total + (t:get("sent") or 0)
   end
   total = total - 1
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests":%d,"sent":%d,"durationUs":%d,"bytes":%d,' ..
      '"p50Us":%d,"p90Us":%d,"p99Us":%d,"meanUs":%.1f,"maxUs":%d,' ..
      '"non2xx3xx":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"timeouts":%d}\n',
      summary.requests, total, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max,
      e.status, e.connect, e.read, e.write, e.timeout))
end
