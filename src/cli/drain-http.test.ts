// Risk (issue 15, finding 5): at shutdown, clients that owe the hub a request — idle keep-alive sockets,
// headers or a body trickling in — hold the listener open until the drain bound kills the process
// (exit 1, database not closed); or the drain cuts a request that was received whole and is being
// worked on, so an answer the client was about to get (a 200 for a durable delivery) never comes.
import { connect, type Socket } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { closeHttp, trackHttpConnections } from './drain-http.ts';

const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

/** A raw client socket; resolves with it connected, and records whether (and when) the server closed it. */
function open(port: number, first: string) {
  return new Promise<{ socket: Socket; closed: Promise<number>; data: () => string }>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(first);
      resolve({ socket, closed, data: () => data });
    });
    let data = '';
    socket.on('data', (d) => (data += d));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now())));
    sockets.push(socket);
  });
}

async function server(handlerMs: number) {
  const app = Fastify();
  app.post('/work', async () => {
    await new Promise((r) => setTimeout(r, handlerMs));
    return { done: true };
  });
  app.get('/quick', async () => ({ ok: true }));
  const connections = trackHttpConnections(app.server);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return { app, connections, port };
}

describe('closeHttp', () => {
  it('drops idle, slow-header and slow-body sockets at once and lets a request received whole finish', async () => {
    const { app, connections, port } = await server(400);
    const idle = await open(port, 'GET /quick HTTP/1.1\r\nHost: x\r\n\r\n'); // answered, then idle (keep-alive)
    const slowHeaders = await open(port, 'POST /work HTTP/1.1\r\nHost: x\r\nContent-Ty');
    const slowBodies = await Promise.all(
      Array.from({ length: 20 }, () => open(port, 'POST /work HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":')),
    );
    const working = await open(port, 'POST /work HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
    await new Promise((r) => setTimeout(r, 100)); // everything has reached the server
    expect(idle.data()).toContain('200 OK');

    const start = Date.now();
    const result = await closeHttp(app, connections, 5_000);
    const took = Date.now() - start;
    expect(took).toBeLessThan(1_500); // the working request's 400 ms, not the 5 s bound
    expect(result.dropped).toBe(22);
    expect(result.cut).toBe(0);
    for (const s of [idle, slowHeaders, ...slowBodies]) expect((await s.closed) - start).toBeLessThan(300);
    await working.closed;
    expect(working.data()).toContain('200 OK');
    expect(working.data()).toContain('{"done":true}');
    expect(working.data().toLowerCase()).toContain('connection: close');
  });

  it('cuts a request still running at the bound, so the drain ends in time', async () => {
    const { app, connections, port } = await server(60_000);
    const working = await open(port, 'POST /work HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
    await new Promise((r) => setTimeout(r, 100));
    const start = Date.now();
    const result = await closeHttp(app, connections, 500);
    expect(Date.now() - start).toBeLessThan(1_500);
    expect(result).toEqual({ dropped: 0, cut: 1 });
    await working.closed;
    expect(working.data()).toBe(''); // no answer: a gateway sends the delivery again
  });
});
