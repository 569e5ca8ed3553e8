--[[
  ackEvents: acknowledges events a subscriber's workflow processed successfully, then trims
  stream entries that every subscriber (consumer group) has acknowledged.

  KEYS[1] stream    endpoint's event stream
  KEYS[2] attempts  subscriber's hash of failed attempts
  KEYS[3] replay    subscriber's replay stream (consumer group 'g', see readEvents)

  ARGV[1] subscriber id (= consumer group name)
  ARGV[2..] entries, each 's:<streamId>' or 'r:<replayId>'

  Returns {acknowledgedCount, trimmedCount}.
  Trimming (Redis 7.0 has no XACKDEL): the first entry still needed is the smallest of each
  group's first pending id and the id after its last-delivered id; everything before it goes.
  With no group at all nothing is trimmed (future subscribers may start from the oldest).
]]
local sub = ARGV[1]
local acked = 0
local streamIds = {}
for i = 2, #ARGV do
  local entry = ARGV[i]
  local id = string.sub(entry, 3)
  if string.sub(entry, 1, 1) == 'r' then
    redis.call('XACK', KEYS[3], 'g', id)
    acked = acked + redis.call('XDEL', KEYS[3], id)
  else
    table.insert(streamIds, id)
  end
  redis.call('HDEL', KEYS[2], entry)
end
if #streamIds > 0 then
  acked = acked + redis.call('XACK', KEYS[1], sub, unpack(streamIds))
end

local function parse(id)
  local dash = string.find(id, '-', 1, true)
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end
local function less(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  return am < bm or (am == bm and as < bs)
end

local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then
  return {acked, 0}
end
local needed = nil
for _, g in ipairs(groups) do
  local name, lastDelivered, pending
  for j = 1, #g, 2 do
    if g[j] == 'name' then name = g[j + 1]
    elseif g[j] == 'last-delivered-id' then lastDelivered = g[j + 1]
    elseif g[j] == 'pending' then pending = g[j + 1] end
  end
  local first
  if pending > 0 then
    first = redis.call('XPENDING', KEYS[1], name)[2]
  else
    local ms, seq = parse(lastDelivered)
    first = ms .. '-' .. (seq + 1)
  end
  if needed == nil or less(first, needed) then
    needed = first
  end
end
local trimmed = redis.call('XTRIM', KEYS[1], 'MINID', needed)
return {acked, trimmed}
