--[[
  ackEvents: acknowledges events a subscriber's workflow processed successfully. Trimming what
  every subscriber has acknowledged is trimEvents' job (the caller pipelines both in one round
  trip), so that the stored-bytes counter is kept in one place.

  KEYS[1] stream    endpoint's event stream
  KEYS[2] attempts  subscriber's hash of failed attempts
  KEYS[3] replay    subscriber's replay stream (consumer group REPLAY_GROUP, see readEvents)

  ARGV[1] subscriber id (= consumer group name)
  ARGV[2..] entries, each 's:<streamId>' or 'r:<replayId>' (REF_STREAM / REF_REPLAY)

  Returns the number of entries acknowledged.
]]
local sub = ARGV[1]
local acked = 0
local streamIds = {}
for i = 2, #ARGV do
  local entry = ARGV[i]
  local id = string.sub(entry, 3)
  if string.sub(entry, 1, 1) == REF_REPLAY then
    redis.call('XACK', KEYS[3], REPLAY_GROUP, id)
    acked = acked + redis.call('XDEL', KEYS[3], id)
  else
    table.insert(streamIds, id)
  end
  redis.call('HDEL', KEYS[2], entry)
end
if #streamIds > 0 then
  acked = acked + redis.call('XACK', KEYS[1], sub, unpack(streamIds))
end

return acked
