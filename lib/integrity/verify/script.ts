/**
 * The server-side half of verify: one EVAL per batch and node reads, for every key
 * given in ARGV, its type, PTTL and either its value (strings up to the big-key
 * threshold), a SHA1 of a canonical form (small collections: sorted hash fields and
 * set members, list/zset/stream in order), or its length (big keys, compared later in
 * chunks, and --compare length). `no-writes` lets it run on replicas;
 * `allow-cross-slot-keys` lets one call cover every slot of a cluster node.
 */
export const INSPECT_SCRIPT = `#!lua flags=no-writes,allow-cross-slot-keys
local mode = ARGV[1]
local bigBytes = tonumber(ARGV[2])
local bigElems = tonumber(ARGV[3])
local ttlBucket = tonumber(ARGV[4])
local compare = ARGV[5]
local function enc(s) return #s .. ':' .. s end
-- type, pttl, kind (0 value, 1 length, 2 sha1), payload
local function inspect(k, cmp)
  local typ
  local n = redis.pcall('STRLEN', k)
  if type(n) == 'number' and n > 0 then typ = 'string' else typ = redis.call('TYPE', k)['ok'] end
  if typ == 'none' then return typ, -2, 0, '' end
  local ttl = redis.call('PTTL', k)
  if cmp == 'keys' then return typ, ttl, 0, '' end
  if typ == 'string' then
    if type(n) ~= 'number' then n = 0 end
    if cmp == 'length' or n > bigBytes then return typ, ttl, 1, n end
    return typ, ttl, 0, redis.call('GET', k)
  end
  local len = 0
  if typ == 'hash' then len = redis.call('HLEN', k)
  elseif typ == 'list' then len = redis.call('LLEN', k)
  elseif typ == 'set' then len = redis.call('SCARD', k)
  elseif typ == 'zset' then len = redis.call('ZCARD', k)
  elseif typ == 'stream' then len = redis.call('XLEN', k) end
  if cmp == 'length' or len > bigElems then return typ, ttl, 1, len end
  local parts = {}
  if typ == 'hash' then
    local a = redis.call('HGETALL', k)
    for j = 1, #a, 2 do parts[#parts + 1] = enc(a[j]) .. enc(a[j + 1]) end
    table.sort(parts)
  elseif typ == 'set' then
    local a = redis.call('SMEMBERS', k)
    for j = 1, #a do parts[j] = enc(a[j]) end
    table.sort(parts)
  elseif typ == 'list' then
    local a = redis.call('LRANGE', k, 0, -1)
    for j = 1, #a do parts[j] = enc(a[j]) end
  elseif typ == 'zset' then
    local a = redis.call('ZRANGE', k, 0, -1, 'WITHSCORES')
    for j = 1, #a do parts[j] = enc(a[j]) end
  elseif typ == 'stream' then
    local a = redis.call('XRANGE', k, '-', '+')
    for j = 1, #a do
      local e = a[j]
      parts[#parts + 1] = enc(e[1])
      for m = 1, #e[2] do parts[#parts + 1] = enc(e[2][m]) end
      parts[#parts + 1] = '|'
    end
  end
  return typ, ttl, 2, redis.sha1hex(table.concat(parts, ','))
end
local out = {}
if mode == 'exists' then
  for i = 6, #ARGV do out[#out + 1] = redis.call('EXISTS', ARGV[i]) end
  return out
end
if mode == 'pttls' then
  for i = 6, #ARGV do out[#out + 1] = tostring(redis.call('PTTL', ARGV[i])) end
  return table.concat(out, ',')
end
if mode == 'digest' or mode == 'digest-ttl' then
  -- one SHA1 over the batch; '!' when a big key needs a chunked compare. Strings come from
  -- MGET (no per-key call); other types and missing keys from inspect(); TTL buckets only
  -- with digest-ttl (when any key of either side has a TTL).
  local keys = {}
  for i = 6, #ARGV do keys[#keys + 1] = ARGV[i] end
  local withTtl = mode == 'digest-ttl'
  local vals = {}
  if compare == 'value' then
    for s = 1, #keys, 500 do
      local part = redis.call('MGET', unpack(keys, s, math.min(s + 499, #keys)))
      for j = 1, #part do vals[s + j - 1] = part[j] end
    end
  end
  for j = 1, #keys do
    local v = vals[j]
    if v and #v <= bigBytes then
      out[#out + 1] = #v
      out[#out + 1] = v
    else
      local typ, ttl, kind, payload = inspect(keys[j], compare)
      if kind == 1 and compare == 'value' then return '!' end
      out[#out + 1] = typ
      out[#out + 1] = kind
      out[#out + 1] = enc(tostring(payload))
    end
    if withTtl then
      local ttl = redis.call('PTTL', keys[j])
      if ttl >= 0 then out[#out + 1] = math.floor(ttl / ttlBucket) else out[#out + 1] = 'p' end
    end
  end
  return redis.sha1hex(table.concat(out, ','))
end
for i = 6, #ARGV do
  local typ, ttl, kind, payload = inspect(ARGV[i], mode)
  out[#out + 1] = typ
  out[#out + 1] = ttl
  out[#out + 1] = kind
  out[#out + 1] = payload
end
return out
`;

/** What the script says about one key. kind 0: payload is the value; 1: payload is the length (big key or --compare length); 2: payload is a SHA1. */
export interface KeyState {
  type: string;
  pttl: number;
  kind: 0 | 1 | 2;
  payload: Buffer | number;
}

export const ABSENT: KeyState = { type: 'none', pttl: -2, kind: 0, payload: 0 };
