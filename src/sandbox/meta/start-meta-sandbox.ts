// Listens with a Meta sandbox app on a local port (0 = any free port) and hands back its URL,
// usable as the `graphUrl` of sendEvents.
import { buildMetaSandbox, type MetaSandboxOptions } from './build-meta-sandbox.ts';
import type { SandboxFaults } from './sandbox-faults.ts';
import type { SandboxRecorder } from './sandbox-recorder.ts';

export interface StartMetaSandboxOptions extends MetaSandboxOptions {
  port?: number;
  host?: string;
}

export interface RunningMetaSandbox {
  url: string;
  close(): Promise<void>;
  recorder: SandboxRecorder;
  setFaults(faults: SandboxFaults): void;
}

export async function startMetaSandbox(options: StartMetaSandboxOptions = {}): Promise<RunningMetaSandbox> {
  const { port = 0, host = '127.0.0.1', ...sandboxOptions } = options;
  const sandbox = buildMetaSandbox(sandboxOptions);
  await sandbox.app.listen({ port, host });
  const address = sandbox.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the Meta sandbox is not listening on a TCP port');
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    close: () => sandbox.app.close(),
    recorder: sandbox.recorder,
    setFaults: sandbox.setFaults,
  };
}
