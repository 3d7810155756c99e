export { type RecordedRequest, useMockServer } from './mock-server.js';
