// A vitest setup file: property tests draw from one fixed seed, so `npm test` is the same on every
// run and in CI. Set FC_SEED to explore other inputs (a failure prints the seed and path to replay).
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20_261_123) });
