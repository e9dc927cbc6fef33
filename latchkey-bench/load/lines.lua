-- Token requests that each spend one line of a file made by ProofFile (one file per wrk thread):
-- MODE=dpop: client_credentials with HTTP Basic (AUTH, base64) and the line as the DPoP header;
-- MODE=assertion: client_credentials with the line as private_key_jwt's client_assertion (CLIENT_ID).
-- LINES is the files' prefix. A file that runs out starts over: its replays answer 400, which the
-- script counts as non-2xx and so voids the run.
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  lines = {}
  for line in io.lines(os.getenv("LINES") .. "." .. id) do
    lines[#lines + 1] = line
  end
  next_line = 0
  mode = os.getenv("MODE")
  if mode == "dpop" then
    headers = {["Content-Type"] = "application/x-www-form-urlencoded",
               ["Authorization"] = "Basic " .. os.getenv("AUTH")}
    body = "grant_type=client_credentials"
  else
    headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
    prefix = "grant_type=client_credentials&client_id=" .. os.getenv("CLIENT_ID")
      .. "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion="
  end
end

function request()
  next_line = next_line % #lines + 1
  if mode == "dpop" then
    headers["DPoP"] = lines[next_line]
    return wrk.format("POST", nil, headers, body)
  end
  return wrk.format("POST", nil, headers, prefix .. lines[next_line])
end
