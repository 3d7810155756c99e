import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The CLI tests run the compiled bin; build it once so they never test a stale dist/.
    globalSetup: ['test/build-once.ts'],
    testTimeout: 300_000,
    // tsc over the generated fixture and the CLI in child processes: 121 s seen at load average 50
    // on 2 cores (a fresh clone beside a build and three other test runs).
    hookTimeout: 300_000,
  },
});
