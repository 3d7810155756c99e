import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Each snippet runs in a Node process of its own against a sandbox; the type check of every
    // snippet is one TypeScript program. Sized for npm test beside a build on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
