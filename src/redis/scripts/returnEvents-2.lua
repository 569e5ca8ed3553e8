--[[
  returnEvents: gives back entries a reader received but never handed to a run (it was stopping):
  their delivery does not count as a failed attempt (readEvents counts every delivery that did not
  end in an acknowledgement as one), so their delivery count goes back down by one, and they are
  visible to the next read at once.

  KEYS[1] stream  endpoint's event stream (consumer group = subscriber id)
  KEYS[2] replay  subscriber's replay stream (consumer group REPLAY_GROUP)

  ARGV[1] subscriber id
  ARGV[2..] refs, 's:<streamId>' or 'r:<replayId>'

  Returns the number of entries given back. Entries no longer pending are left alone.
]]
local returned = 0
for i = 2, #ARGV do
  local ref = ARGV[i]
  local source = string.sub(ref, 1, 1)
  local id = string.sub(ref, 3)
  local key = source == REF_REPLAY and KEYS[2] or KEYS[1]
  local group = source == REF_REPLAY and REPLAY_GROUP or ARGV[1]
  local rows = redis.pcall('XPENDING', key, group, id, id, 1)
  if type(rows) == 'table' and not rows.err and #rows == 1 then
    local deliveries = math.max(0, rows[1][4] - 1)
    redis.call('XCLAIM', key, group, CONSUMER, 0, id, 'TIME', 0, 'RETRYCOUNT', deliveries, 'JUSTID')
    returned = returned + 1
  end
end
return returned
