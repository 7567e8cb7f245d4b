--[[
  Pauses sending to HubSpot for every instance on this queue: after a rolling-window 429,
  the daily limit, refused credentials or repeated failures (src/proxy/upstream/backoff.ts
  decides which and for how long). A pause only ever grows: a shorter one than the pause in
  force changes nothing.

  Input:
    KEYS[1] pause (HASH) reason; expires when the pause ends
    ARGV[1] reason
    ARGV[2] for how long (ms)

  Output:
    0 unchanged, 1 extended with the same reason, 2 a new reason
]]
local rcall = redis.call
local ms = tonumber(ARGV[2])
local left = rcall("PTTL", KEYS[1])
if left >= ms then
  return 0
end
local before = left > 0 and rcall("HGET", KEYS[1], "reason") or false
rcall("HSET", KEYS[1], "reason", ARGV[1])
rcall("PEXPIRE", KEYS[1], ms)
if before == ARGV[1] then
  return 1
end
return 2
