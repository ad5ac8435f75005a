-- wrk script of the national benchmark (bench/national.sh): the reference implementation's functional scenario,
-- nine requests a case worker's screen makes, in turn on every wrk thread:
--   1 GET  /zaken?rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn=<bsn>   search a citizen's zaken
--   2 GET  /zaken/{uuid}                       open the zaak found by the last search
--   3 GET  /statussen?zaak=<zaak>              its statussen
--   4 GET  /zaakinformatieobjecten?zaak=<zaak> its documents
--   5 GET  /enkelvoudiginformatieobjecten/{uuid}   one of them (the last one a document list named)
--   6 POST /statussen                          add a status to the zaak
--   7 POST /enkelvoudiginformatieobjecten      upload a small document
--   8 POST /zaken                              create a zaak
--   9 POST /rollen                             with a rol, a behandelaar (on the zaak just created)
-- wrk calls request() and response() per thread, not per connection, so what a step needs comes from the
-- latest response that had it (response() picks zaak and document URLs out of bodies).
-- Environment: BENCH_TOKEN, BENCH_SEED_FILE (lines "bsn <bsn>", "statustype <zaaktype> <statustype>",
-- "roltype <zaaktype> <roltype>", "zaak <zaak url> <zaaktype url>", "document <url>", "iot <url>", "create <zaaktype>"),
-- BENCH_BASE (http://host:port). The last line of output is RESULT ... as with bench/report.lua.
-- report.lua's done() prints the RESULT line run_wrk (bench/lib.sh) reads; this script's functions replace the rest.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local token = os.getenv("BENCH_TOKEN")
local base = os.getenv("BENCH_BASE")
local seed_file = os.getenv("BENCH_SEED_FILE")

local bsns, statustype, roltype, iots, creates = {}, {}, {}, {}, {}
local zaak, zaaktype, document, created, created_type
for line in io.lines(seed_file) do
  local kind, a, b = line:match("^(%S+)%s+(%S+)%s*(%S*)")
  if kind == "bsn" then bsns[#bsns + 1] = a
  elseif kind == "statustype" then statustype[a] = b
  elseif kind == "roltype" then roltype[a] = b
  elseif kind == "zaak" then zaak, zaaktype = a, b
  elseif kind == "document" then document = a
  elseif kind == "iot" then iots[#iots + 1] = a
  elseif kind == "create" then creates[#creates + 1] = a
  end
end

local headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Accept"] = "application/json",
  ["Accept-Crs"] = "EPSG:4326",
  ["Content-Crs"] = "EPSG:4326",
  ["Content-Type"] = "application/json",
}
local step, n = 0, 0
local api = "/zaken/api/v1"
local counter = 0

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  counter = math.random(1, 1000000)
end

local function moment()
  counter = counter + 1
  return os.date("!%Y-%m-%dT%H:%M:%S", os.time()) .. string.format(".%06dZ", counter % 1000000)
end

local function path(url)
  return (url:gsub("^https?://[^/]+", ""))
end

local function bsn()
  -- A BSN that passes the elfproef.
  while true do
    local d, total = {}, 0
    for i = 1, 8 do d[i] = math.random(0, 9); total = total + d[i] * (10 - i) end
    local last = total % 11
    if last <= 9 and d[1] ~= 0 then return table.concat(d) .. last end
  end
end

function request()
  step = step % 9 + 1
  n = n + 1
  if step == 1 then
    local b = bsns[math.random(#bsns)]
    return wrk.format("GET", api .. "/zaken?rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn=" .. b, headers)
  elseif step == 2 then
    return wrk.format("GET", path(zaak), headers)
  elseif step == 3 then
    return wrk.format("GET", api .. "/statussen?zaak=" .. zaak, headers)
  elseif step == 4 then
    return wrk.format("GET", api .. "/zaakinformatieobjecten?zaak=" .. zaak, headers)
  elseif step == 5 then
    return wrk.format("GET", path(document), headers)
  elseif step == 6 then
    local body = string.format('{"zaak":"%s","statustype":"%s","datumStatusGezet":"%s"}', zaak,
      statustype[zaaktype], moment())
    return wrk.format("POST", api .. "/statussen", headers, body)
  elseif step == 7 then
    local body = string.format('{"bronorganisatie":"002220647","creatiedatum":"2026-11-26","titel":"Brief %d",'
      .. '"auteur":"Behandelaar","taal":"nld","informatieobjecttype":"%s","vertrouwelijkheidaanduiding":"openbaar",'
      .. '"formaat":"text/plain","bestandsnaam":"brief.txt","inhoud":"%s"}', counter, iots[math.random(#iots)],
      "VGhvcmJlY2tlOiBlZW4gYnJpZWYgdmFuIGRlIGdlbWVlbnRlLg==")
    return wrk.format("POST", "/documenten/api/v1/enkelvoudiginformatieobjecten", headers, body)
  elseif step == 8 then
    local body = string.format('{"zaaktype":"%s","bronorganisatie":"002220647","verantwoordelijkeOrganisatie":'
      .. '"002220647","omschrijving":"Aanvraag","startdatum":"2026-11-26","vertrouwelijkheidaanduiding":"openbaar"}',
      creates[math.random(#creates)])
    return wrk.format("POST", api .. "/zaken", headers, body)
  else
    local target, target_type = created or zaak, created_type or zaaktype
    local body = string.format('{"zaak":"%s","roltype":"%s","betrokkeneType":"natuurlijk_persoon",'
      .. '"roltoelichting":"Aanvrager","betrokkeneIdentificatie":{"inpBsn":"%s","geslachtsnaam":"Jansen"}}',
      target, roltype[target_type], bsn())
    return wrk.format("POST", api .. "/rollen", headers, body)
  end
end

local failures = 0
function response(status, hdrs, body)
  if status >= 300 then
    failures = failures + 1
    if failures <= 3 then io.stderr:write("national.lua: HTTP " .. status .. ": " .. body:sub(1, 300) .. "\n") end
    return
  end
  -- The first zaak of a list (a search) or a new zaak, with its zaaktype.
  local s, e, url = body:find('"url":"([^"]+/zaken/api/v1/zaken/[%x%-]+)"')
  if url then
    local zt = body:match('"zaaktype":"([^"]+)"', e)
    if zt and statustype[zt] then
      if status == 201 then created, created_type = url, zt else zaak, zaaktype = url, zt end
    end
  end
  local doc = body:match('"informatieobject":"([^"]+)"')
  if doc then document = doc end
end
