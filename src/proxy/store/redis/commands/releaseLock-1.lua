--[[
  Lets go of a lock only if it is still ours (it may have lapsed and been taken by another
  instance meanwhile).

  Input:
    KEYS[1] lock (STRING)
    ARGV[1] our token
]]
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0
