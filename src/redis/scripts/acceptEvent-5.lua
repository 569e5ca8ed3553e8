--[[
  acceptEvent: decides and stores one incoming webhook in a single atomic step.

  Checks, in this order (PRODUCT.md §3 rows 7-10); nothing is written on a reject, so rejected
  requests and duplicates consume no quota:
    duplicate -> burst/rate (GCRA) -> daily limit (UTC day) -> buffer capacity -> store.
  The clock is Redis's (TIME), never the caller's.

  KEYS[1] stream   endpoint's event stream
  KEYS[2] dedupe   dedupe key of this request (any key of the same slot when ARGV[2] is '0')
  KEYS[3] limiter  account's GCRA state: theoretical arrival time, integer microseconds
  KEYS[4] usage    account's usage hash: d:<day> total, e:<day>:<endpointId> per endpoint
  KEYS[5] bytes    endpoint's stored-bytes counter (sum of the stream entries' field values)

  ARGV[1]  endpoint id
  ARGV[2]  '1' to check and record the dedupe key, '0' not to
  ARGV[3]  dedupe window, milliseconds
  ARGV[4]  rate, accepted requests per second (may be fractional); '0' = no rate/burst limit
  ARGV[5]  burst, requests that may arrive at one instant (>= 1 when rate > 0)
  ARGV[6]  daily limit, accepted requests per UTC day; '0' = none
  ARGV[7]  buffer capacity, max entries in the stream
  ARGV[8]  method        ARGV[9]  sub-path     ARGV[10] raw query string
  ARGV[11] headers JSON  ARGV[12] source ip    ARGV[13] raw body bytes
  ARGV[14] buffer capacity in bytes: most bytes the stream's entries may hold (stored size of an
           event = the byte length of ARGV[8..13]); the trim scripts subtract what they remove

  Returns an array; the first element is the outcome code:
    {0, eventId, burstRemaining, burstResetMs, dailyRemaining, secondsToUtcMidnight}  accepted
    {1, firstEventId}                                                                 duplicate
    {2, retryAfterMs, burstResetMs, dailyRemaining, secondsToUtcMidnight}              rate_limited
    {3, secondsToUtcMidnight, burstRemaining, burstResetMs}                            daily_limit_exceeded
    {4, streamLength, storedBytes}                                                    buffer_full
  burstRemaining / dailyRemaining are -1 when that limit is off.
]]
local time = redis.call('TIME')
local nowSec = tonumber(time[1])
local nowUs = nowSec * 1000000 + tonumber(time[2])
local day = math.floor(nowSec / 86400)
local toMidnight = (day + 1) * 86400 - nowSec

local useDedupe = ARGV[2] == '1'
if useDedupe then
  local first = redis.call('GET', KEYS[2])
  if first then
    return {1, first}
  end
end

local rate = tonumber(ARGV[4])
local burst = tonumber(ARGV[5])
local newTat = nil
local burstRemaining = -1
local burstResetMs = 0
if rate > 0 then
  local interval = 1000000 / rate
  local tat = tonumber(redis.call('GET', KEYS[3]) or '0')
  if tat < nowUs then
    tat = nowUs
  end
  newTat = tat + interval
  local allowance = burst * interval
  local usedUs = newTat - nowUs
  if usedUs > allowance then
    local daily = tonumber(ARGV[6])
    local dailyLeft = -1
    if daily > 0 then
      dailyLeft = daily - tonumber(redis.call('HGET', KEYS[4], 'd:' .. day) or '0')
    end
    return {2, math.ceil((usedUs - allowance) / 1000), math.ceil((tat - nowUs) / 1000), dailyLeft, toMidnight}
  end
  burstRemaining = math.floor((allowance - usedUs) / interval)
  burstResetMs = math.ceil(usedUs / 1000)
end

local daily = tonumber(ARGV[6])
local dayField = 'd:' .. day
local dailyRemaining = -1
if daily > 0 then
  local used = tonumber(redis.call('HGET', KEYS[4], dayField) or '0')
  if used >= daily then
    return {3, toMidnight, burstRemaining, burstResetMs}
  end
  dailyRemaining = daily - used - 1
end

local length = redis.call('XLEN', KEYS[1])
local size = #ARGV[8] + #ARGV[9] + #ARGV[10] + #ARGV[11] + #ARGV[12] + #ARGV[13]
local stored = tonumber(redis.call('GET', KEYS[5]) or '0')
if length >= tonumber(ARGV[7]) or stored + size > tonumber(ARGV[14]) then
  return {4, length, stored}
end

local id = redis.call('XADD', KEYS[1], '*',
  'm', ARGV[8], 'p', ARGV[9], 'q', ARGV[10], 'h', ARGV[11], 'ip', ARGV[12], 'b', ARGV[13])
redis.call('INCRBY', KEYS[5], size)

if newTat then
  -- Stored rounded up so that rounding can never admit more than the bound.
  redis.call('SET', KEYS[3], string.format('%.0f', math.ceil(newTat)), 'PX',
    math.ceil((newTat - nowUs) / 1000) + 1000)
end
redis.call('HINCRBY', KEYS[4], dayField, 1)
redis.call('HINCRBY', KEYS[4], 'e:' .. day .. ':' .. ARGV[1], 1)
redis.call('HDEL', KEYS[4], 'd:' .. (day - 8), 'e:' .. (day - 8) .. ':' .. ARGV[1])
redis.call('PEXPIRE', KEYS[4], 9 * 86400000)
if useDedupe then
  redis.call('SET', KEYS[2], id, 'PX', tonumber(ARGV[3]))
end
return {0, id, burstRemaining, burstResetMs, dailyRemaining, toMidnight}
