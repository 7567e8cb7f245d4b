--[[
  Takes slots in HubSpot's rolling 10-second window for requests about to start, for all
  the proxy instances on this queue at once: events and media-object calls alike.

  The window holds one member per request: scored with when its slot lapses unless renewed
  (its start plus the request timeout, while it is in flight), then with when it completed
  (completeSendSlot-1.lua). A member counts until its score plus the hold (10 s plus a
  margin) has passed. A request thus holds its slot from before it starts until a window
  after it ends, so all the requests HubSpot can count in one 10 s window, by arrival, held
  slots at the same time: at most the limit (see src/proxy/upstream/rate-bucket.ts). Times
  are Redis's own clock, so the instances' clocks need not agree.

  A caller that names itself a waiter (a media-object call, whose events wait for it) goes
  before the others: it is noted in the waiters set until it gets its slot or stops asking,
  and a take without a name leaves one free slot per waiter.

  Input:
    KEYS[1] window  (ZSET) slot -> lapse or completion time (ms)
    KEYS[2] pause   (HASH) reason; expires when the pause ends
    KEYS[3] waiters (ZSET) waiter -> until when it counts as waiting (ms)

    ARGV[1] hold (ms)
    ARGV[2] limit: requests per window
    ARGV[3] slots wanted
    ARGV[4] lease: how long an in-flight slot counts from now if never completed (ms)
    ARGV[5] slot name prefix, unique to the caller
    ARGV[6] waiter name, or "" for a take that leaves free slots to waiters
    ARGV[7] how long a waiter counts as waiting after this take (ms)
    ARGV[8] how soon a take that left slots to waiters should look again (ms)

  Output:
    { slots taken, ms until one may free up (or the pause ends), pause reason or "" }
]]
local rcall = redis.call
local t = rcall("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local waiter = ARGV[6]

if waiter ~= "" then
  rcall("ZADD", KEYS[3], now + tonumber(ARGV[7]), waiter)
end

local pausedFor = rcall("PTTL", KEYS[2])
if pausedFor > 0 then
  return { 0, pausedFor, rcall("HGET", KEYS[2], "reason") or "backing-off" }
end

rcall("ZREMRANGEBYSCORE", KEYS[1], "-inf", now - hold)
rcall("ZREMRANGEBYSCORE", KEYS[3], "-inf", now)
local reserved = 0
if waiter == "" then
  reserved = rcall("ZCARD", KEYS[3])
end
local room = limit - rcall("ZCARD", KEYS[1])
local taken = math.max(0, math.min(room - reserved, wanted))
local lapse = now + tonumber(ARGV[4])
for i = 1, taken do
  rcall("ZADD", KEYS[1], lapse, ARGV[5] .. i)
end
if waiter ~= "" and taken > 0 then
  rcall("ZREM", KEYS[3], waiter)
end
local wait = 0
if taken < wanted then
  if room - taken > 0 then
    -- Slots left to waiters: they take them at once.
    wait = tonumber(ARGV[8])
  else
    local first = rcall("ZRANGE", KEYS[1], 0, 0, "WITHSCORES")
    wait = math.max(1, tonumber(first[2]) + hold - now)
  end
end
return { taken, wait, "" }
