-- Introspection of many different tokens: each request sends the next token of the file TOKENS
-- (one per line), round robin, so that a server cannot answer a run from one cached lookup.
-- AUTH (user:password, base64) authenticates the resource server. Every token is valid, so an
-- answer other than active is counted ("Inactive responses: N") and voids the figure.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(os.getenv("TOKENS")) do
    if line ~= "" then table.insert(tokens, line) end
  end
  next_index = (id * 7919) % #tokens
  auth = "Basic " .. os.getenv("AUTH")
  inactive = 0
end

function request()
  next_index = next_index % #tokens + 1
  return wrk.format("POST", wrk.path, {["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = auth}, "token=" .. tokens[next_index])
end

function response(status, headers, body)
  if status == 200 and not body:find('"active"%s*:%s*true') then inactive = inactive + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("inactive") end
  io.write(string.format("Inactive responses: %d\n", total))
end
