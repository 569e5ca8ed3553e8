--[[
  replaceField: compare and set of one hash field. Sets the field to a new value only while it
  still holds the value the caller read, so a rewrite (re-encrypting a record) never overwrites
  a change another process made in between.

  KEYS[1] the hash
  ARGV[1] field
  ARGV[2] value the caller read
  ARGV[3] new value

  Returns REPLACE_REPLACED when replaced, REPLACE_CHANGED when the field changed (or vanished)
  meanwhile; nothing is written then.
]]
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return REPLACE_REPLACED
end
return REPLACE_CHANGED
