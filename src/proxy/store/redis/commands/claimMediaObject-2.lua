--[[
  Takes the right to create one media object, for one proxy instance at a time (the
  PortalStore contract's claimMediaObject, src/proxy/store/portal-store.ts): refused when
  the catalog's record of the object holds an object id, or when another owner's claim has
  not lapsed at `now`. Claiming again as the same owner extends the claim.

  The claim is "<until> <owner>"; its key expires a while after `until`, so lapsed claims
  clean themselves up (the decision reads `until`, never the expiry).

  Input:
    KEYS[1] objects (HASH) "<mediaType>:<externalId>" -> the object's record (JSON)
    KEYS[2] claim   (STRING) "<until> <owner>"

    ARGV[1] the object's field in KEYS[1]
    ARGV[2] owner
    ARGV[3] now (ms)
    ARGV[4] until: when the claim lapses (ms)
    ARGV[5] how long the claim's key outlives `until` (ms)

  Output:
    1 when claimed, 0 when not
]]
local rcall = redis.call
local record = rcall("HGET", KEYS[1], ARGV[1])
if record then
  local ok, r = pcall(cjson.decode, record)
  if ok and type(r) == "table" and r.objectId ~= nil and r.objectId ~= cjson.null then
    return 0
  end
end

local now = tonumber(ARGV[3])
local claim = rcall("GET", KEYS[2])
if claim then
  local space = string.find(claim, " ", 1, true)
  if space then
    local heldUntil = tonumber(string.sub(claim, 1, space - 1))
    local holder = string.sub(claim, space + 1)
    if holder ~= ARGV[2] and heldUntil and heldUntil > now then
      return 0
    end
  end
end

local untilAt = tonumber(ARGV[4])
rcall("SET", KEYS[2], ARGV[4] .. " " .. ARGV[2], "PX", math.max(1, untilAt - now) + tonumber(ARGV[5]))
return 1
