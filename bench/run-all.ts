// `npm run bench`: every benchmark of the project, one after the other (they would disturb each other in
// parallel on 2 cores), then one table of every figure with its target and its ratio to the bare
// baseline measured in the same run. The machine is shared and noisy: read ratios, not absolutes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Figure } from './support/report-figures.ts';

const benches: Array<{ name: string; script: string; env?: Record<string, string> }> = [
  { name: 'ingest', script: 'bench/ingest/bench-ingest.ts' },
  { name: 'webhooks', script: 'bench/webhooks/bench-webhooks.ts' },
  { name: 'match', script: 'bench/match/bench-match.ts' },
  { name: 'pipeline (db queue)', script: 'bench/pipeline/bench-pipeline.ts' },
  { name: 'pipeline (SQS queue)', script: 'bench/pipeline/bench-pipeline.ts', env: { HUB_QUEUE: 'sqs' } },
  { name: 'isolation', script: 'bench/isolation/bench-isolation.ts' },
];

const dir = path.resolve('bench/results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `run-${Date.now()}.jsonl`);
rmSync(file, { force: true });

const failures: string[] = [];
for (const b of benches) {
  process.stdout.write(`\n=== ${b.name} ===\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', b.script], {
    stdio: 'inherit',
    env: { ...process.env, ...b.env, BENCH_RESULT_FILE: file, BENCH_LABEL: b.name },
  });
  if (run.status !== 0) failures.push(`${b.name} (exit ${run.status})`);
}

const figures: Figure[] = (() => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Figure);
  } catch {
    return [];
  }
})();
const fmt = (v: number, unit: string) => (unit === '%' ? `${v.toFixed(2)} %` : `${v >= 100 ? v.toFixed(0) : v.toFixed(2)} ${unit}`);
const rows = figures.map((f) => [
  f.bench,
  f.figure,
  fmt(f.value, f.unit),
  f.target ?? '',
  f.baseline ? `${((f.value / f.baseline) * 100).toFixed(1)} % of bare` : '',
  f.pass === undefined ? '' : f.pass ? 'PASS' : 'MISS',
]);
const header = ['bench', 'figure', 'value', 'target', 'vs baseline', ''];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
process.stdout.write(
  ['', line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line), '', `results: ${file}`, ''].join('\n'),
);
if (failures.length) process.stdout.write(`benchmarks that missed a target or failed: ${failures.join(', ')}\n`);
process.exitCode = failures.length ? 1 : 0;
