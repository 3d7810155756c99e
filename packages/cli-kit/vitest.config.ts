import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Child processes (bash, node) and files: under turbo's parallel tasks on 2 cores, 5 s is too tight.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
