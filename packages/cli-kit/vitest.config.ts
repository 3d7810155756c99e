import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Child processes and files on a loaded 2-core machine: 5 s is too tight.
    testTimeout: 30_000,
  },
});
