/**
 * Small helpers shared by the benchmark parts. Each part runs as its own Node process
 * (started by test/bench/run.mjs) and reports one JSON object on a line of its own that
 * starts with RESULT_MARKER, so a part's other output never confuses the runner.
 */

export const RESULT_MARKER = '@@bench-result ';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function report(result: unknown): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

/** Runs `main`, reports what it returns, and exits (open handles must not keep a part alive). */
export function runPart(main: () => Promise<unknown>): void {
  main().then(
    (result) => {
      report(result);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}

/** `global.gc` when Node was started with --expose-gc; measurements of the heap need it. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('start this part with node --expose-gc');
  gc();
  gc();
}

export function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}

export function megabytes(bytes: number): number {
  return bytes / (1024 * 1024);
}
