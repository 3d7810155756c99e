export { type CapturedCliIo, captureIo } from './capture-io.js';
export { serveHandlers } from './serve-handlers.js';
