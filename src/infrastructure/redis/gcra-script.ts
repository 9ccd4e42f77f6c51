/**
 * The GCRA step of src/shared/rate-limit/gcra.ts, atomic in Redis and on Redis's clock (instances' clocks may
 * differ). KEYS[1]: the subject's theoretical arrival time; ARGV: emission interval and window in ms.
 * Answers {admitted, stored TAT before this request ('' for none), now in ms}; the caller computes the
 * decision's numbers with gcra() from the same inputs, which gives the same verdict (same IEEE arithmetic).
 * The TAT expires when it passes: an expired state is the same as none.
 */
export const GCRA_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local stored = redis.call('GET', KEYS[1])
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local start = now
if stored then start = math.max(tonumber(stored), now) end
local nxt = start + interval
if nxt - now > window then
  return {0, stored or '', now}
end
redis.call('SET', KEYS[1], string.format('%.3f', nxt), 'PX', math.ceil(nxt - now))
return {1, stored or '', now}
`;
