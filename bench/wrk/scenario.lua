-- One wrk script for the three scenarios; chosen by the BENCH_MODE environment variable:
--   floor   GET /bench/floor
--   submit  POST /api/v1/dossiers/ (multipart body prepared by bench.seed, bearer token, unique Idempotency-Key),
--           citizen n filing with the agency of ward n
--   submit_one  the same, every citizen filing with the first ward's agency
--   ceiling POST /bench/ceiling with the submit requests (token, multipart body): parsed, nothing written
--   track   GET /api/v1/dossiers/tracking/<receipt code>?phone_last4=NNNN (paths prepared by bench.seed)
-- BENCH_DATA is the folder written by bench.seed; BENCH_RUN makes idempotency keys unique across runs.
-- done() prints one line "BENCH_RESULT {json}" that bench.run parses.

local mode = os.getenv("BENCH_MODE") or "floor"
local data = os.getenv("BENCH_DATA") or "."
local run_id = os.getenv("BENCH_RUN") or tostring(os.time())
local expected = tonumber(os.getenv("BENCH_EXPECT") or "200")

local function read_file(name)
  local f = assert(io.open(data .. "/" .. name, "rb"))
  local content = f:read("*a")
  f:close()
  return content
end

local function read_lines(name)
  local lines = {}
  for line in io.lines(data .. "/" .. name) do
    if line ~= "" then lines[#lines + 1] = line end
  end
  return lines
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

-- Per-thread state (each wrk thread has its own Lua state).
local counter = 0
local tokens, paths, bodies, content_type
ok, other, sample = 0, 0, ""

function init(args)
  if mode == "submit" or mode == "submit_one" or mode == "ceiling" then
    local prefix = mode == "submit_one" and "submit_one_body_" or "submit_body_"
    tokens = read_lines("tokens.txt")
    bodies = {}
    for i = 1, #tokens do bodies[i] = read_file(string.format("%s%d.bin", prefix, i - 1)) end
    content_type = (read_file("submit_content_type.txt"):gsub("%s+$", ""))
  elseif mode == "track" then
    paths = read_lines("tracking_paths.txt")
  end
end

function request()
  counter = counter + 1
  if bodies then
    local i = ((counter * 7 + tid) % #tokens) + 1
    local headers = {
      ["Content-Type"] = content_type,
      ["Authorization"] = "Bearer " .. tokens[i],
      ["Idempotency-Key"] = string.format("bench-%s-%d-%d", run_id, tid, counter),
    }
    return wrk.format("POST", mode == "ceiling" and "/bench/ceiling" or "/api/v1/dossiers/", headers, bodies[i])
  elseif mode == "track" then
    return wrk.format("GET", paths[((counter * 13 + tid) % #paths) + 1])
  end
  return wrk.format("GET", "/bench/floor")
end

function response(status, headers, response_body)
  if status == expected then
    ok = ok + 1
  else
    other = other + 1
    if sample == "" then
      sample = tostring(status) .. " " .. string.sub(response_body or "", 1, 300)
    end
  end
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, requests)
  local total_ok, total_other, first_sample = 0, 0, ""
  for _, thread in ipairs(threads) do
    total_ok = total_ok + (thread:get("ok") or 0)
    total_other = total_other + (thread:get("other") or 0)
    local s = thread:get("sample") or ""
    if first_sample == "" and s ~= "" then first_sample = s end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"mode": "%s", "duration_us": %d, "requests": %d, "expected_status": %d, "ok": %d, ' ..
    '"unexpected_status": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %d, "sample": %s}\n',
    mode, summary.duration, summary.requests, expected, total_ok, total_other, e.connect, e.read, e.write,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    json_string(first_sample)))
end
