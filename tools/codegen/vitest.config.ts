import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The CLI tests run the compiled bin; build it once so they never test a stale dist/.
    globalSetup: ['test/build-once.ts'],
    testTimeout: 120_000,
    // Hooks run the CLI in child processes too; on a busy 2-core machine they can take over 10 s.
    hookTimeout: 120_000,
  },
});
