// The step runner of the consumer smoke test: each step is named, timed and reported, and a
// failed step records its error instead of stopping the others.

/** The outcome of one step, as the harness and the browser page report it. */
export interface StepResult {
  suite: string;
  name: string;
  ok: boolean;
  /** The step did not run; `detail` says why (it counts neither as passed nor as failed). */
  skipped?: boolean;
  detail: string;
  milliseconds: number;
}

/** Called after every step (the CLI prints a line, the page appends to its report). */
export type StepListener = (result: StepResult) => void;

/** Throw with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Runs the steps of one suite in order and collects their results. */
export class Steps {
  readonly results: StepResult[] = [];
  readonly #suite: string;
  readonly #listener: StepListener | undefined;

  constructor(suite: string, listener?: StepListener) {
    this.#suite = suite;
    this.#listener = listener;
  }

  /** Run `action`; its returned text is the step's detail. Resolves to whether it passed. */
  async step(name: string, action: () => Promise<string>): Promise<boolean> {
    const started = performance.now();
    let result: StepResult;
    try {
      const detail = await action();
      result = { suite: this.#suite, name, ok: true, detail, milliseconds: performance.now() - started };
    } catch (error) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      result = { suite: this.#suite, name, ok: false, detail, milliseconds: performance.now() - started };
    }
    this.results.push(result);
    this.#listener?.(result);
    return result.ok;
  }

  /** Record a step that is not run here, and why. */
  skip(name: string, reason: string): void {
    const result: StepResult = { suite: this.#suite, name, ok: true, skipped: true, detail: reason, milliseconds: 0 };
    this.results.push(result);
    this.#listener?.(result);
  }
}
