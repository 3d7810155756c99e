export {
  createMiddlemanMock,
  jobsService,
  MIDDLEMAN_MOCK_API_KEY,
  type MiddlemanMockOptions,
  MiddlemanMockState,
  type MockApiKey,
  type MockJob,
  type MockUpload,
} from './jobs.js';
export { type MockedMiddleman, mockMiddleman } from './jobs-mocked-client.js';
