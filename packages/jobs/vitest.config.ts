import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The CLI tests start child processes; under turbo's parallel tasks on 2 cores they need room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['@trainwire/testing/fast-check-seed'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
