-- bench/wrk/tenantry.lua drives Tenantry's API from wrk (Debian: apt-get
-- install wrk) over the tenants that bench/cmd/load seeded:
--
--   load -base URL -seed-only -targets targets.tsv ...
--   wrk -t2 -c16 -d10s --timeout 5s --latency -s bench/wrk/tenantry.lua URL \
--       -- MODE targets.tsv [nostatus]
--
-- MODE is one of
--   list    GET  /api/projects?limit=20
--   get     GET  /api/projects/{id}   (one of the tenant's seeded projects)
--   create  POST /api/projects        (a unique name per request)
--   chat    POST /api/chat            (the tenant's seeded assistant session)
--
-- The targets file has one line per tenant, four tab-separated fields:
--   tenant_id  access_tokens(comma-separated)  project_ids(comma-separated or -)  session_id(or -)
-- Every request picks a tenant uniformly at random, then one of its users'
-- tokens (each wrk thread has its own generator), and sends
-- "Authorization: Bearer TOKEN" and "X-Tenant-ID: TENANT".
--
-- response() counts the answers per status (wrk then hands it headers and
-- body, which costs wrk a little CPU per answer); with "nostatus" it is
-- switched off and the non-2xx count is wrk's own count of statuses > 399.
-- done() prints one JSON line starting with {"wrk_result": (requests,
-- duration, req/s, p50/p90/p99/max in ms, errors, non-2xx, statuses and the
-- 1-minute load average before and after), which bench/cmd/load reads.

-- Setup and done phase (wrk's main Lua state).

local threads = {}
local loadavg_before = nil

local function loadavg()
  local f = io.open("/proc/loadavg", "r")
  if not f then return 0 end
  local line = f:read("*l") or ""
  f:close()
  return tonumber(line:match("^(%S+)")) or 0
end

function setup(thread)
  if loadavg_before == nil then loadavg_before = loadavg() end
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function done(summary, latency, requests)
  local counts, counted = {}, false
  local mode = threads[1] and threads[1]:get("mode") or "?"
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if type(s) == "table" then
      for k, v in pairs(s) do
        counted = true
        counts[k] = (counts[k] or 0) + v
      end
    end
  end
  local non2xx, parts = 0, {}
  for k, v in pairs(counts) do
    if k < 200 or k > 299 then non2xx = non2xx + v end
    parts[#parts + 1] = string.format('"%d":%d', k, v)
  end
  table.sort(parts)
  if not counted then non2xx = summary.errors.status end
  local e = summary.errors
  local secs = summary.duration / 1e6
  local rps = 0
  if secs > 0 then rps = summary.requests / secs end
  local function ms(us) return us / 1000 end
  io.write(string.format(
    '{"wrk_result":1,"mode":"%s","requests":%d,"duration_s":%.3f,"requests_per_second":%.1f,' ..
    '"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"errors":%d,"error_kinds":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
    '"non_2xx":%d,"statuses":{%s},"loadavg_before":%.2f,"loadavg_after":%.2f}\n',
    mode, summary.requests, secs, rps,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)), ms(latency.max),
    e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout,
    non2xx, table.concat(parts, ","), loadavg_before or 0, loadavg()))
end

-- Running phase (one Lua state per wrk thread; init runs before it starts).

statuses = {}     -- status -> count, read by done() through thread:get
mode = nil        -- read by done()
local tenants = {} -- {id, projects, clients = {{h = headers, list = ..., chat = ...}}}
local counter = 0
local run_id = ""

local function fail(msg)
  io.stderr:write("bench/wrk/tenantry.lua: " .. msg .. "\n")
  os.exit(2)
end

local function split(s, sep)
  local out = {}
  for part in string.gmatch(s, "([^" .. sep .. "]+)") do out[#out + 1] = part end
  return out
end

local builders = {}

function builders.list(t, c) return c.list end

function builders.get(t, c)
  return "GET /api/projects/" .. t.projects[math.random(#t.projects)] .. " HTTP/1.1\r\n" .. c.h .. "\r\n"
end

function builders.create(t, c)
  counter = counter + 1
  local body = '{"name":"load-' .. run_id .. "-" .. counter ..
    '","description":"created by bench/wrk/tenantry.lua"}'
  return "POST /api/projects HTTP/1.1\r\n" .. c.h ..
    "Content-Type: application/json\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
end

function builders.chat(t, c) return c.chat end

function init(args)
  mode = args[1]
  local path = args[2]
  if builders[mode] == nil or path == nil then
    fail("usage: wrk ... -s bench/wrk/tenantry.lua URL -- list|get|create|chat TARGETS [nostatus]")
  end
  local f = io.open(path, "r")
  if not f then fail("cannot open targets file " .. path) end
  local host = wrk.headers["Host"]
  for line in f:lines() do
    if line ~= "" and line:sub(1, 1) ~= "#" then
      local id, toks, projs, session = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)$")
      if not id then fail("bad targets line: " .. line) end
      local t = { id = id, projects = {}, clients = {} }
      if projs ~= "-" then t.projects = split(projs, ",") end
      if mode == "get" and #t.projects == 0 then fail("tenant " .. id .. " has no project (get needs one)") end
      if mode == "chat" and session == "-" then fail("tenant " .. id .. " has no chat session") end
      for _, tok in ipairs(split(toks, ",")) do
        local h = "Host: " .. host .. "\r\nAuthorization: Bearer " .. tok .. "\r\nX-Tenant-ID: " .. id .. "\r\n"
        local c = { h = h, list = "GET /api/projects?limit=20 HTTP/1.1\r\n" .. h .. "\r\n" }
        if session ~= "-" then
          local body = '{"session_id":"' .. session .. '","message":"How many projects do we have?"}'
          c.chat = "POST /api/chat HTTP/1.1\r\n" .. h ..
            "Content-Type: application/json\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
        end
        t.clients[#t.clients + 1] = c
      end
      tenants[#tenants + 1] = t
    end
  end
  f:close()
  if #tenants == 0 then fail("no tenant in " .. path) end
  local id = thread_id or 0
  math.randomseed(os.time() * 1000 + id)
  -- Unique per run and thread, so names never repeat on a reused database.
  run_id = string.format("%x%04x-%d", os.time(), math.random(0, 65535), id)
  local build = builders[mode]
  request = function()
    local t = tenants[math.random(#tenants)]
    return build(t, t.clients[math.random(#t.clients)])
  end
  if args[3] == "nostatus" then response = nil end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
