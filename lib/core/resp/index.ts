export { encodeCommand, encodedLength, splitCommandLine, writeCommand, writeUint } from './encode.js';
export { ReplyError, ReplyReader, type RespValue } from './reader.js';
