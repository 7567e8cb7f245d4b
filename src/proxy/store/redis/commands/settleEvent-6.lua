--[[
  An event was answered for good (delivered, a dead letter, or dropped as superseded under
  backlog): it leaves the pending set and the backlog's books, and a media-played releases
  its session's other events. Run before the job is moved to completed or failed: if the
  instance dies in between, the job comes back from its lease and is sent again, and
  running this twice changes nothing (the books move only when the pending set did).

  Input:
    KEYS[1] pending     (ZSET)
    KEYS[2] the event's session hash
    KEYS[3] tiers       (HASH) job id -> backlog tier (see rankEvents-3.lua)
    KEYS[4] waiting     (HASH) event type -> how many wait
    KEYS[5] delivered   (ZSET) event id -> when delivered, the last minute of it (the send rate)
    KEYS[6] superseded  (STRING) how many quartiles were dropped as superseded
    ARGV[1] event id
    ARGV[2] its BullMQ job id when it is a media-played, else ""
    ARGV[3] its BullMQ job id
    ARGV[4] its type
    ARGV[5] how it ended: delivered, dead or superseded
    ARGV[6] now (ms)
    ARGV[7] how long the delivered set looks back (ms)
]]
local rcall = redis.call
if rcall("ZREM", KEYS[1], ARGV[1]) == 1 then
  if rcall("HINCRBY", KEYS[4], ARGV[4], -1) <= 0 then
    rcall("HDEL", KEYS[4], ARGV[4])
  end
  if ARGV[5] == "delivered" then
    rcall("ZADD", KEYS[5], ARGV[6], ARGV[1])
    rcall("ZREMRANGEBYSCORE", KEYS[5], "-inf", tonumber(ARGV[6]) - tonumber(ARGV[7]))
  elseif ARGV[5] == "superseded" then
    rcall("INCR", KEYS[6])
  end
end
rcall("HDEL", KEYS[3], ARGV[3])
if ARGV[2] ~= "" then
  rcall("HDEL", KEYS[2], "p:" .. ARGV[2])
end
return 1
