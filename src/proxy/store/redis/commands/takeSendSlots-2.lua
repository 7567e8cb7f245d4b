--[[
  Takes slots in HubSpot's rolling 10-second window for requests about to start, for all
  the proxy instances on this queue at once.

  The window holds one member per request: scored with when its slot lapses unless renewed
  (its start plus the request timeout, while it is in flight), then with when it completed
  (completeSendSlot-1.lua). A member counts until its score plus the hold (10 s plus a
  margin) has passed. A request thus holds its slot from before it starts until a window
  after it ends, so all the requests HubSpot can count in one 10 s window, by arrival, held
  slots at the same time: at most the limit (see src/proxy/upstream/rate-bucket.ts). Times
  are Redis's own clock, so the instances' clocks need not agree.

  Input:
    KEYS[1] window  (ZSET) slot -> lapse or completion time (ms)
    KEYS[2] pause   (HASH) reason; expires when the pause ends

    ARGV[1] hold (ms)
    ARGV[2] limit: requests per window
    ARGV[3] slots wanted
    ARGV[4] lease: how long an in-flight slot counts from now if never completed (ms)
    ARGV[5] slot name prefix, unique to the caller

  Output:
    { slots taken, ms until one may free up (or the pause ends), pause reason or "" }
]]
local rcall = redis.call
local t = rcall("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])

local pausedFor = rcall("PTTL", KEYS[2])
if pausedFor > 0 then
  return { 0, pausedFor, rcall("HGET", KEYS[2], "reason") or "backing-off" }
end

rcall("ZREMRANGEBYSCORE", KEYS[1], "-inf", now - hold)
local free = limit - rcall("ZCARD", KEYS[1])
local taken = math.max(0, math.min(free, wanted))
local lapse = now + tonumber(ARGV[4])
for i = 1, taken do
  rcall("ZADD", KEYS[1], lapse, ARGV[5] .. i)
end
local wait = 0
if taken < wanted then
  local first = rcall("ZRANGE", KEYS[1], 0, 0, "WITHSCORES")
  wait = math.max(1, tonumber(first[2]) + hold - now)
end
return { taken, wait, "" }
