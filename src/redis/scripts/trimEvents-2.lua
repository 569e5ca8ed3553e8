--[[
  trimEvents: removes the oldest entries of an endpoint's stream and subtracts their stored size
  from the endpoint's bytes counter, so that the byte capacity acceptEvent enforces stays exact.
  Redis 7.0 has no XACKDEL / XTRIM ACKED, hence the explicit bound below.

  KEYS[1] stream  endpoint's event stream
  KEYS[2] bytes   endpoint's stored-bytes counter (see acceptEvent)

  ARGV[1] 'acked': remove what every subscriber (consumer group) has acknowledged, i.e. every entry
          before the smallest of each group's first pending id and the id after its
          last-delivered id; nothing when the stream has no group (a future subscriber may start
          from the oldest, so the events stay until the capacity is reached).
          Otherwise a stream id '<ms>-<seq>': remove every entry older than it (age retention).
  ARGV[2] most entries to remove in this call (>= 1), so one call stays short
  ARGV[3] most bytes to read in this call (>= 1; the last page of 16 entries may go over it):
          the script reads each entry to learn its size

  Returns {removedEntries, removedBytes, more}: more = TRIM_MORE when entries to remove are left
  (call again), else TRIM_DONE.
  A stream left empty drops its bytes counter (it restarts at 0, exactly).
]]
local function parse(id)
  local dash = string.find(id, '-', 1, true)
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end
local function less(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  return am < bm or (am == bm and as < bs)
end

if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  return {0, 0, TRIM_DONE}
end

local needed = ARGV[1]
if needed == 'acked' then
  needed = nil
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
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
  if needed == nil then
    return {0, 0, TRIM_DONE}
  end
end

local maxEntries = tonumber(ARGV[2])
local maxBytes = tonumber(ARGV[3])
local removed, bytes, more = 0, 0, TRIM_DONE
local last = nil
local start = '-'
while removed < maxEntries do
  local rows = redis.call('XRANGE', KEYS[1], start, '(' .. needed, 'COUNT', math.min(16, maxEntries - removed))
  for _, row in ipairs(rows) do
    local fields = row[2]
    for j = 2, #fields, 2 do
      bytes = bytes + #fields[j]
    end
    last = row[1]
  end
  removed = removed + #rows
  if #rows == 0 then
    break
  end
  start = '(' .. last
  if bytes >= maxBytes then
    break
  end
end
if removed == 0 then
  return {0, 0, TRIM_DONE}
end
if #redis.call('XRANGE', KEYS[1], '(' .. last, '(' .. needed, 'COUNT', 1) > 0 then
  more = TRIM_MORE
end
local ms, seq = parse(last)
redis.call('XTRIM', KEYS[1], 'MINID', ms .. '-' .. (seq + 1))
if redis.call('XLEN', KEYS[1]) == 0 or tonumber(redis.call('DECRBY', KEYS[2], bytes)) <= 0 then
  redis.call('DEL', KEYS[2])
end
return {removed, bytes, more}
