--[[
  nackEvents: records a failed delivery of events to one subscriber; events that reached the
  attempt limit move to the endpoint's dead letters and leave the subscriber's queue.

  KEYS[1] stream      endpoint's event stream
  KEYS[2] attempts    subscriber's hash: <source>:<entryId> -> failed attempts (nacks)
  KEYS[3] deadLetters endpoint's dead-letter stream
  KEYS[4] replay      subscriber's replay stream (replayed dead letters)

  ARGV[1] subscriber id (= consumer group name)
  ARGV[2] max attempts (>= 1)
  ARGV[3] error message (stored with a dead letter; already truncated by the caller)
  ARGV[4] most dead letters the endpoint may hold (0 = no cap)
  ARGV[5..] entries, each 's:<streamId>' (from the stream) or 'r:<replayId>' (from the replay stream)

  Failed attempts of an entry = the larger of its nacks and its delivery count (XPENDING's
  times-delivered, which readEvents raises on every delivery): a run that never reported back
  (n8n killed) has counted as a delivery without a nack, and a nacked run is one delivery, so
  nothing is counted twice.

  A dead letter is F_EVENT_ID, F_SUBSCRIBER, F_ATTEMPTS, F_ERROR, then the entry's own fields
  (src/redis/streamSchema.ts).

  Returns {deadLettered, held}: the ARGV entries that became dead letters, and those that reached
  the attempt limit while the dead letters were at their cap (they stay pending; readEvents leaves
  them alone until there is room, and then dead-letters them).
  An entry whose source is gone (trimmed, already acknowledged) is ignored.
  An entry that stays is made visible to the next read at once (its delivery time is set to 0),
  whatever reclaim time that read uses: a failed batch is released again on the next tick.
]]
local sub = ARGV[1]
local maxAttempts = tonumber(ARGV[2])
local deadMax = tonumber(ARGV[4])
local dead = {}
local held = {}
for i = 5, #ARGV do
  local entry = ARGV[i]
  local source = string.sub(entry, 1, 1)
  local id = string.sub(entry, 3)
  local key = source == REF_REPLAY and KEYS[4] or KEYS[1]
  local group = source == REF_REPLAY and REPLAY_GROUP or sub
  local rows = redis.call('XRANGE', key, id, id)
  if #rows == 1 then
    local n = redis.call('HINCRBY', KEYS[2], entry, 1)
    local info = redis.pcall('XPENDING', key, group, id, id, 1)
    if type(info) == 'table' and not info.err and #info == 1 and info[1][4] > n then
      n = info[1][4]
    end
    if n >= maxAttempts and deadMax > 0 and redis.call('XLEN', KEYS[3]) >= deadMax then
      table.insert(held, entry)
      redis.pcall('XCLAIM', key, group, CONSUMER, 0, id, 'TIME', 0, 'JUSTID')
    elseif n >= maxAttempts then
      local fields = rows[1][2]
      local eventId = id
      local args = {}
      for j = 1, #fields, 2 do
        if fields[j] == F_EVENT_ID then
          eventId = fields[j + 1]
        else
          table.insert(args, fields[j])
          table.insert(args, fields[j + 1])
        end
      end
      redis.call('XADD', KEYS[3], '*', F_EVENT_ID, eventId, F_SUBSCRIBER, sub, F_ATTEMPTS, tostring(n), F_ERROR, ARGV[3], unpack(args))
      if source == REF_REPLAY then
        redis.call('XACK', KEYS[4], REPLAY_GROUP, id)
        redis.call('XDEL', KEYS[4], id)
      else
        redis.call('XACK', KEYS[1], sub, id)
      end
      redis.call('HDEL', KEYS[2], entry)
      table.insert(dead, entry)
    else
      -- pcall: a group dropped meanwhile (subscriber retention) leaves nothing to make visible.
      redis.pcall('XCLAIM', key, group, CONSUMER, 0, id, 'TIME', 0, 'JUSTID')
    end
  end
end
return {dead, held}
