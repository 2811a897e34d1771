// The embedded data directory holds the database, the encryption key and the admin socket, so it is
// owner-only: directories 0700, files without group or other bits (0600).
//
// New files: PGlite (Emscripten's NODEFS) creates its files through Node with the process umask, 0644
// under the usual 022, and it creates them for as long as the process runs (a new table's files, the
// free-space and visibility maps on first write, WAL segments, temporary files). A chmod after opening
// would miss every later one, so the embedded process runs with a umask that removes group and other
// bits, for its whole life. That is process-wide on purpose: everything an embedded hub writes lives in
// its data directory. Only bits are added, so a stricter umask set by the operator stays.
//
// Existing installations (directories 0755 and files 0644 from before, or a data directory that the
// encryption key's first write created with the default mode) are tightened at every open.
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

const GROUP_AND_OTHER = 0o077;

export function ownerOnlyDataDir(dataDir: string, pgdata: string): void {
  // process.umask cannot be changed from a worker thread; there the walk below still covers the files
  // present at open, inside directories nobody else can enter.
  if (isMainThread) {
    const previous = process.umask(GROUP_AND_OTHER);
    if ((previous | GROUP_AND_OTHER) !== GROUP_AND_OTHER) process.umask(previous | GROUP_AND_OTHER);
  }
  try {
    mkdirSync(pgdata, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
    tightenTree(pgdata);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`cannot make the data directory ${dataDir} owner-only (${code}); run the hub as its owner, or set HUB_DATA_DIR to a directory it owns`, { cause: error });
  }
}

/** Drops group and other bits from every directory and file under `root` (explicit stack; links are not followed). */
function tightenTree(root: string): void {
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    tighten(dir, 0o700);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(file);
      else if (entry.isFile()) tighten(file);
    }
  }
}

function tighten(file: string, mode?: number): void {
  const current = lstatSync(file).mode & 0o777;
  const wanted = mode ?? current & ~GROUP_AND_OTHER;
  if (current !== wanted) chmodSync(file, wanted);
}
