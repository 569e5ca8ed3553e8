--[[
  releaseLease: gives a lease back, only if the caller still holds it.

  KEYS[1] lease key
  ARGV[1] owner token

  Returns LEASE_HELD when it was the caller's and is released, LEASE_NOT_HELD when the lease was
  not the caller's (or had expired).
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return LEASE_HELD
end
return LEASE_NOT_HELD
