--[[
  Gives new events their backlog tier (src/proxy/store/backlog-policy.ts), in the MULTI that
  adds their jobs, after the adds. A job's BullMQ priority is its tier + 1 while the queue is
  in backlog, and 1 for every job otherwise, so BullMQ's prioritized set (ordered by
  priority, then by its insertion counter) hands jobs out in value order under backlog and
  in arrival order without (see setBacklog-3.lua for the switch).

  A quartile is its session's top unless a higher one of the session came before it; a
  higher one arriving demotes the session's earlier top, if it still waits. The tiers are
  the policy's, passed in; this script only compares percents. An event already ranked is
  skipped, so running this twice changes nothing.

  Input:
    KEYS[1] tiers        (HASH) job id -> tier, for every waiting job
    KEYS[2] backlog      (STRING) "1" while the queue is in backlog
    KEYS[3] prioritized  BullMQ's prioritized set
    KEYS[3+i]            the session hash of event i: "top" (highest percent) and "topJob"

    ARGV[1] BullMQ's job key prefix, "<prefix>:<queue>:"
    ARGV[2] the tier of a session's top quartile
    ARGV[3] the tier of a superseded quartile
    ARGV[4] how long a session hash is kept (ms)
    ARGV[3i+2], ARGV[3i+3], ARGV[3i+4]
            event i's job id, its tier when it is not a quartile, its percent ("" when not a quartile)
]]
local rcall = redis.call
local backlog = rcall("GET", KEYS[2]) == "1"
local topTier = tonumber(ARGV[2])
local supersededTier = tonumber(ARGV[3])

local function place(jobId, tier)
  rcall("HSET", KEYS[1], jobId, tier)
  if backlog then
    local priority = tier + 1
    local jobKey = ARGV[1] .. jobId
    if rcall("EXISTS", jobKey) == 1 then rcall("HSET", jobKey, "priority", priority) end
    local score = rcall("ZSCORE", KEYS[3], jobId)
    if score then
      rcall("ZADD", KEYS[3], priority * 0x100000000 + tonumber(score) % 0x100000000, jobId)
    end
  end
end

for i = 1, #KEYS - 3 do
  local jobId = ARGV[3 * i + 2]
  if rcall("HEXISTS", KEYS[1], jobId) == 0 then
    local percent = tonumber(ARGV[3 * i + 4])
    if percent == nil then
      place(jobId, tonumber(ARGV[3 * i + 3]))
    else
      local session = KEYS[3 + i]
      local top = tonumber(rcall("HGET", session, "top"))
      if top ~= nil and percent < top then
        place(jobId, supersededTier)
      else
        if top ~= nil and percent > top then
          local previous = rcall("HGET", session, "topJob")
          if previous and rcall("HEXISTS", KEYS[1], previous) == 1 then place(previous, supersededTier) end
        end
        rcall("HSET", session, "top", percent, "topJob", jobId)
        rcall("PEXPIRE", session, ARGV[4])
        place(jobId, topTier)
      end
    end
  end
end
return 1
