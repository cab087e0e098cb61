export { encodeCommand, encodedLength, splitCommandLine, writeCommand } from './encode.js';
export { ReplyError, ReplyReader, type RespValue } from './reader.js';
