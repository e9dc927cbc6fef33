-- Refresh token rotation under load. Every response carries the successor of the refresh token
-- its request spent; each wrk thread keeps a pool of unspent tokens (one per connection or more,
-- from the file TOKENS) and never sends a token twice, so a server that detects reuse sees none.
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  local total = tonumber(os.getenv("WRK_THREADS"))
  pool = {}
  local i = 0
  for line in io.lines(os.getenv("TOKENS")) do
    if line ~= "" then
      if i % total == id then table.insert(pool, line) end
      i = i + 1
    end
  end
  auth = "Basic " .. os.getenv("AUTH")
end

function request()
  local token = table.remove(pool) or "pool-exhausted"
  return wrk.format("POST", wrk.path, {["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = auth}, "grant_type=refresh_token&refresh_token=" .. token)
end

function response(status, headers, body)
  local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if token then table.insert(pool, token) end
end
