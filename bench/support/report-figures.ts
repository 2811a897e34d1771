// Benchmarks report their figures here as well as printing them: when BENCH_RESULT_FILE is set (by
// `npm run bench`), the figures are appended to it as JSON lines for the one summary table.
import { appendFileSync } from 'node:fs';

export interface Figure {
  bench: string;
  figure: string;
  value: number;
  unit: string;
  /** e.g. "≥ 50 % of bare", "< 25 ms". */
  target?: string;
  pass?: boolean;
  /** The same figure for the bare baseline measured in the same run, when there is one. */
  baseline?: number;
}

export function reportFigures(figures: Figure[]): void {
  const file = process.env.BENCH_RESULT_FILE;
  if (!file) return;
  appendFileSync(file, figures.map((f) => JSON.stringify(f)).join('\n') + '\n');
}
