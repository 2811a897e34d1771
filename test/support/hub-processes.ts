// Runs hub commands as child processes (scale mode): API processes, match and dispatch workers.
// Used by the fault suite to kill -9 and restart them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface HubProcess {
  name: string;
  child: ChildProcess;
  port?: number;
  output(): string;
  /** kill -9: no drain, no cleanup. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export function spawnHub(name: string, args: string[], env: Record<string, string>, port?: number): HubProcess {
  const child = spawn(process.execPath, ['bin/hub.mjs', ...args], {
    env: { ...process.env, HUB_LOG_LEVEL: 'warn', ...env, ...(port ? { HUB_PORT: String(port), HUB_HOST: '127.0.0.1' } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    port,
    output: () => out,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function waitReady(p: HubProcess, timeoutMs = 90_000): Promise<void> {
  await waitUntil(
    `${p.name} /readyz`,
    async () => {
      if (p.child.exitCode !== null) throw new Error(`${p.name} exited: ${p.output()}`);
      const res = await fetch(`http://127.0.0.1:${p.port}/readyz`);
      return res.status === 200;
    },
    timeoutMs,
  );
}
