--[[
  A request that held a slot in the rolling window ended: from now on its slot counts until
  a hold (10 s plus a margin) has passed, by Redis's clock (see takeSendSlots-3.lua).

  Input:
    KEYS[1] window (ZSET)
    ARGV[1] slot
]]
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call("ZADD", KEYS[1], now, ARGV[1])
