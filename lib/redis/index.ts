/** The one Redis connection layer: addresses, URIs, sockets (TCP/unix/TLS), handshake, connections, slot map, Sentinel. */
export { encodeArgs, RespConn } from './conn.js';
export { type Endpoint, formatEndpoint, parseHostPort, parseHostPortList, sameEndpoint } from './endpoint.js';
export { type ConnectSettings, connectFailureMessage, connectOrExplain, connectRaw, type FlagHints } from './handshake.js';
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
export { ConnectionError, errorKind, exchange, type RawConn } from './socket.js';
export {
  type ConnectionOptions,
  defined,
  describeTarget,
  discover,
  resolveTarget,
  sentinelMaster,
  type Target,
  targetOrThrow,
} from './target.js';
export type { TlsSettings } from './tls.js';
export { parseRedisUri, URI_FORMS } from './uri.js';
