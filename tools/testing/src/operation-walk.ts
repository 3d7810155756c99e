export { exampleValue } from './operation-walk/example-value.js';
export { clientSource, type Forwarder, type TransportCall, transportCalls } from './operation-walk/transport-calls.js';
export { exampleRequest, type MockAnswer, type WalkMockOptions, walkMock } from './operation-walk/walk-mock.js';
export { type OperationWalk, walkOperations } from './operation-walk/walk-operations.js';
