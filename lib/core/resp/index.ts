export { encodeCommand, encodedLength, encodeInline, splitCommandLine, writeCommand } from './encode.js';
export { ReplyError, ReplyReader, type ReplyReaderOptions, type RespValue } from './reader.js';
