-- The code round trip of a signed-in user under wrk: each connection alternates GET
-- /oauth2/authorize with the session cookie (answered 303 with a code: the client is first-party)
-- and the token request that redeems that code with its PKCE verifier. Each thread keeps the codes
-- its responses carried and spends each once. Set by CodeFlowLoad: SESSION, CLIENT_ID, VERIFIER,
-- CHALLENGE. Exchanges per second are the token requests that got 200.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  codes = {}
  exchanges = 0
  session = os.getenv("SESSION")
  client = os.getenv("CLIENT_ID")
  verifier = os.getenv("VERIFIER")
  redirect = "http%3A%2F%2F127.0.0.1%2Fcallback"
  authorize = "/oauth2/authorize?response_type=code&client_id=" .. client .. "&redirect_uri=" .. redirect
    .. "&scope=read&code_challenge_method=S256&code_challenge=" .. os.getenv("CHALLENGE")
end

function request()
  local code = table.remove(codes)
  if code then
    return wrk.format("POST", "/oauth2/token", {["Content-Type"] = "application/x-www-form-urlencoded"},
      "grant_type=authorization_code&client_id=" .. client .. "&code=" .. code .. "&redirect_uri=" .. redirect
      .. "&code_verifier=" .. verifier)
  end
  return wrk.format("GET", authorize, {["Cookie"] = session})
end

function response(status, headers, body)
  local location = headers["Location"]
  if location then
    local code = location:match("[?&]code=([^&]+)")
    if code then table.insert(codes, code) end
  elseif status == 200 then
    exchanges = exchanges + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("exchanges") end
  io.write(string.format("exchanges %d in %.1f s: %.0f per second\n", total, summary.duration / 1e6,
    total / (summary.duration / 1e6)))
end
