--[[
  What the order rule needs to know about the sessions of claimed events: whether each has
  a media-played pending, and whether it has one at all. The rule itself is decided in
  TypeScript (orderAllows), the same for every store.

  A media-played whose job is gone or finished without being settled here (removed from a
  dashboard, say) no longer counts as pending, so it cannot hold its session back forever.

  Input:
    KEYS[1..n]  the session hashes (see recordEvents-3.lua)
    ARGV[1]     the BullMQ job key prefix, "<prefix>:<queue>:"

  Output:
    { pending_1, seen_1, ..., pending_n, seen_n }  (1 or 0)
]]
local rcall = redis.call
local out = {}
for i, session in ipairs(KEYS) do
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
  out[2 * i - 1] = pending
  out[2 * i] = seen
end
return out
