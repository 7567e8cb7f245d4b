--[[
  What the order rule needs to know about the sessions of claimed events: whether each has
  a media-played pending, and whether it has one at all; and each event's backlog tier. The
  rules themselves are decided in TypeScript (orderAllows, backlog-policy.ts), the same for
  every store.

  A media-played whose job is gone or finished without being settled here (removed from a
  dashboard, say) no longer counts as pending, so it cannot hold its session back forever.

  Input:
    KEYS[1]       tiers (HASH) job id -> tier (see rankEvents-3.lua)
    KEYS[2..n+1]  the session hashes (see recordEvents-4.lua)
    ARGV[1]       the BullMQ job key prefix, "<prefix>:<queue>:"
    ARGV[2..n+1]  the events' job ids

  Output:
    { pending_1, seen_1, tier_1, ..., pending_n, seen_n, tier_n }  (1 or 0; the tier, -1 when unknown)
]]
local rcall = redis.call
local out = {}
for i = 1, #KEYS - 1 do
  local session = KEYS[i + 1]
  local fields = rcall("HGETALL", session)
  local seen = 0
  local pending = 0
  for f = 1, #fields, 2 do
    local name = fields[f]
    if name == "seen" then
      seen = 1
    elseif string.sub(name, 1, 2) == "p:" then
      local jobKey = ARGV[1] .. string.sub(name, 3)
      if rcall("EXISTS", jobKey) == 1 and not rcall("HGET", jobKey, "finishedOn") then
        pending = 1
      else
        rcall("HDEL", session, name)
      end
    end
  end
  out[3 * i - 2] = pending
  out[3 * i - 1] = seen
  out[3 * i] = tonumber(rcall("HGET", KEYS[1], ARGV[i + 1])) or -1
end
return out
