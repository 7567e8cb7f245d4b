--[[
  Switches the queue into or out of backlog, for every instance at once: each waiting job's
  BullMQ priority becomes its tier + 1 (value order), or 1 (arrival order), and its place in
  the prioritized set follows; its insertion counter (the low 32 bits of the score) is kept,
  so arrival order within a priority stays. A delayed or active job keeps the new priority
  in its hash, which BullMQ reads when it puts the job back. Nothing changes when the queue
  is already in that state.

  Input:
    KEYS[1] backlog      (STRING) "1" while the queue is in backlog
    KEYS[2] tiers        (HASH) job id -> tier (see rankEvents-3.lua)
    KEYS[3] prioritized  BullMQ's prioritized set
    ARGV[1] BullMQ's job key prefix
    ARGV[2] "1" to enter backlog, "0" to leave it

  Output:
    how many jobs were given a new priority, or -1 when nothing changed
]]
local rcall = redis.call
local on = ARGV[2] == "1"
if (rcall("GET", KEYS[1]) == "1") == on then return -1 end
if on then rcall("SET", KEYS[1], "1") else rcall("DEL", KEYS[1]) end
local tiers = rcall("HGETALL", KEYS[2])
local moved = 0
for f = 1, #tiers, 2 do
  local jobId = tiers[f]
  local priority = on and (tonumber(tiers[f + 1]) + 1) or 1
  local jobKey = ARGV[1] .. jobId
  if rcall("EXISTS", jobKey) == 1 then
    rcall("HSET", jobKey, "priority", priority)
    local score = rcall("ZSCORE", KEYS[3], jobId)
    if score then
      rcall("ZADD", KEYS[3], priority * 0x100000000 + tonumber(score) % 0x100000000, jobId)
    end
    moved = moved + 1
  else
    rcall("HDEL", KEYS[2], jobId)
  end
end
return moved
