--[[
  Which of a request's event ids are already known, and seqs for the new ones.

  Read before the request's events are stored: the ids known here are duplicates (seen
  within the last 7 days), and are not stored again. An id that two instances both find
  new and both store is still stored once: the job id is the event id, and BullMQ adds no
  second job with an id it holds.

  Input:
    KEYS[1] ids     (ZSET) event id -> when it was accepted
    KEYS[2] seq     (STRING) the arrival counter
    ARGV[1..n]      the event ids

  Output:
    { first seq of n consecutive ones, known_1, ..., known_n }  (known: 1 or 0)
]]
local rcall = redis.call
local n = #ARGV
local out = { rcall("INCRBY", KEYS[2], n) - n + 1 }
local scores = rcall("ZMSCORE", KEYS[1], unpack(ARGV))
for i = 1, n do
  out[i + 1] = scores[i] and 1 or 0
end
return out
