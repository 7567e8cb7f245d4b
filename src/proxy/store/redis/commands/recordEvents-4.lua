--[[
  Records new events beside their BullMQ jobs. It runs in the same MULTI as the jobs' adds
  (of every request that arrived while the previous MULTI was on its way), so a request is
  stored whole or not at all.

  For each event: its id is remembered (to drop resends for 7 days), it joins the pending
  set (for the queue's size and age in /healthz) and the recent list (for the demo), and a
  media-played is marked pending on its session, which holds the session's other events
  back until it is answered (the order rule, src/proxy/store/outbox.ts). An id already
  remembered is skipped, so running this twice for one request changes nothing.

  Input:
    KEYS[1] ids       (ZSET) event id -> when it was accepted
    KEYS[2] pending   (ZSET) event id -> when it was accepted
    KEYS[3] recent    (LIST) event ids, newest first
    KEYS[4] waiting   (HASH) event type -> how many wait (for /healthz)
    KEYS[4+i]         the session hash of event i: "seen", and "p:<job id>" per pending media-played

    ARGV[1] how long a session hash is kept after its last media-played (ms)
    ARGV[2] how many ids the recent list keeps
    ARGV[4i-1], ARGV[4i], ARGV[4i+1], ARGV[4i+2]
            event i's id, type, BullMQ job id, and when it was accepted (ms)

  Output:
    how many events were new
]]
local rcall = redis.call
local added = 0
for i = 1, #KEYS - 4 do
  local id = ARGV[4 * i - 1]
  local kind = ARGV[4 * i]
  local at = ARGV[4 * i + 2]
  if rcall("ZADD", KEYS[1], "NX", at, id) == 1 then
    added = added + 1
    rcall("ZADD", KEYS[2], at, id)
    rcall("LPUSH", KEYS[3], id)
    rcall("HINCRBY", KEYS[4], kind, 1)
    if kind == "media-played" then
      local session = KEYS[4 + i]
      rcall("HSET", session, "seen", 1, "p:" .. ARGV[4 * i + 1], 1)
      rcall("PEXPIRE", session, ARGV[1])
    end
  end
end
if added > 0 then
  rcall("LTRIM", KEYS[3], 0, tonumber(ARGV[2]) - 1)
end
return added
