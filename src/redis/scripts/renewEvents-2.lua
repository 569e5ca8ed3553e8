--[[
  renewEvents: tells readers that entries are still being worked on: restarts their idle time,
  so that readEvents with a reclaim time does not hand them out again while their run goes on.
  Entries no longer pending (acknowledged, dead-lettered, trimmed) are left alone.

  KEYS[1] stream  endpoint's event stream (consumer group = subscriber id)
  KEYS[2] replay  subscriber's replay stream (consumer group REPLAY_GROUP)

  ARGV[1] subscriber id
  ARGV[2..] refs, 's:<streamId>' or 'r:<replayId>'

  Returns the number of entries renewed.
]]
local ids = { [REF_STREAM] = {}, [REF_REPLAY] = {} }
for i = 2, #ARGV do
  local source = string.sub(ARGV[i], 1, 1)
  if ids[source] then
    table.insert(ids[source], string.sub(ARGV[i], 3))
  end
end
local renewed = 0
local function renew(key, group, list)
  if #list == 0 then
    return
  end
  local args = { 'XCLAIM', key, group, CONSUMER, 0 }
  for _, id in ipairs(list) do
    table.insert(args, id)
  end
  table.insert(args, 'JUSTID')
  local claimed = redis.pcall(unpack(args))
  if type(claimed) == 'table' and not claimed.err then
    renewed = renewed + #claimed
  end
end
renew(KEYS[1], ARGV[1], ids[REF_STREAM])
renew(KEYS[2], REPLAY_GROUP, ids[REF_REPLAY])
return renewed
