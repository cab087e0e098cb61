/** The one Redis connection layer: addresses, URIs, sockets (TCP/unix/TLS), handshake, connections, slot map, Sentinel. */
export { encodeArgs, type ReplyCallback, RespConn } from './conn.js';
export { type Endpoint, formatEndpoint, parseHostPort, parseHostPortList, sameEndpoint } from './endpoint.js';
export {
  type ConnectSettings,
  connectFailureMessage,
  connectOrExplain,
  connectRaw,
  DEFAULT_HINTS,
  type FlagHints,
  handshake,
  handshakeCommands,
  handshakeFailure,
} from './handshake.js';
export { crc16, keySlot, SLOT_COUNT, slotOfBytes } from './key-slot.js';
export { type OnceOptions, redisOnce, redisPingOk } from './once.js';
export {
  askMaster,
  messageAddress,
  parsePubSubMessage,
  parseSwitchMaster,
  type SentinelMessage,
  type SentinelSubscription,
  sentinelSettings,
  subscribeSentinels,
} from './sentinel.js';
export { firstSlotMap, masterIndexOf, parseClusterSlots, readSlotMap, redirectTarget, type SlotMap, type SlotMaster } from './slot-map.js';
export { ConnectionError, errorKind, exchange, openSocket, type RawConn } from './socket.js';
export {
  CONNECTION_DEFAULTS,
  type ConnectionOptions,
  defined,
  describeTarget,
  discover,
  resolveTarget,
  sentinelMaster,
  type Target,
  type TargetMode,
  targetOrThrow,
} from './target.js';
export { type TlsSettings, tlsOptions } from './tls.js';
export { parseRedisUri, type RedisUri, redactUri, URI_FORMS } from './uri.js';
