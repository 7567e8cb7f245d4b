--[[
  An event was answered for good (delivered, or a dead letter): it leaves the pending set,
  and a media-played releases its session's other events. Run before the job is moved to
  completed or failed: if the instance dies in between, the job comes back from its lease
  and is sent again, and running this twice changes nothing.

  Input:
    KEYS[1] pending  (ZSET)
    KEYS[2] the event's session hash
    ARGV[1] event id
    ARGV[2] its BullMQ job id when it is a media-played, else ""
]]
redis.call("ZREM", KEYS[1], ARGV[1])
if ARGV[2] ~= "" then
  redis.call("HDEL", KEYS[2], "p:" .. ARGV[2])
end
return 1
