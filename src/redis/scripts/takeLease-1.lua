--[[
  takeLease: takes or extends a lease so that one reader at a time releases for a subscriber
  (guards the hand-over between n8n mains; docs/scaling.md "What it guarantees": a batch is never released twice).

  KEYS[1] lease key
  ARGV[1] owner token (random per trigger instance)
  ARGV[2] lease time, milliseconds

  Returns LEASE_HELD when the caller holds the lease afterwards, LEASE_NOT_HELD when someone else does.
]]
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return LEASE_HELD
end
return LEASE_NOT_HELD
