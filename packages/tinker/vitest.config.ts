import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Streams and servers on loopback: under turbo's parallel tasks on 2 cores, 5 s is too tight.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['@trainwire/testing/fast-check-seed'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
