// A local alert webhook: a real HTTP server that keeps every JSON body posted to it, and answers 500
// while told to fail (an alert webhook that is down).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AlertReceiver {
  url: string;
  received: Array<Record<string, unknown>>;
  /** Answer 500 to everything while true. */
  failing: boolean;
  close(): Promise<void>;
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const receiver: AlertReceiver = { url: '', received: [], failing: false, close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (receiver.failing) {
        res.writeHead(500).end('down');
        return;
      }
      receiver.received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alerts`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}
