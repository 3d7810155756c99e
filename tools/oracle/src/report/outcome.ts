/** The services the suite has real code for. */
export type ServiceName = 'runicorn' | 'tensafe' | 'tinker';

/**
 * The three directions: our TypeScript clients against the real servers (`ts`), the real Python SDKs
 * against trainwire-sandbox (`py`), and the same requests to a real server and to its mock (`diff`).
 */
export type Direction = 'ts' | 'py' | 'diff';

/** `upstream`: the call met a reviewed upstream defect (upstream-defects.json) and ended as that entry expects. */
export type Verdict = 'pass' | 'fail' | 'upstream';

/** One cell of the table: one call in one direction. */
export interface Row {
  service: ServiceName;
  direction: Direction;
  /** `artifacts.getArtifact("demo-model:latest")`, `future.result`, `GET /api/runs/{run_id}`... */
  call: string;
  verdict: Verdict;
  /** One line, for every verdict but a plain pass. */
  reason?: string;
  /** Longer evidence (every shape difference, the error's trace) for FINDINGS and --verbose. */
  details?: string[];
  milliseconds?: number;
}
