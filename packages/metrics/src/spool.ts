/**
 * The Syvain ingestor's durable spool (Node, Bun and Deno): what `client.ingestor(id, { spool: true })`
 * loads on first use. Import it directly to open a spool yourself or to list what is spooled.
 */
export type { IngestSpool, SpooledBatch, SpoolOpenOptions } from './metrics/metrics-spool.js';
export { defaultSpoolDir, openMetricsSpool, spooledExperiments } from './metrics/metrics-spool-open.js';
