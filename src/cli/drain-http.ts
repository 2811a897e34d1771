// Draining an HTTP server at shutdown without waiting for clients that owe it a request. A socket is
// either waiting for the answer to a request it sent whole (its work is under way: let it finish, then
// close the socket), or it is not — idle between keep-alive requests, still sending headers, or
// trickling a body. Those are dropped at once: nothing was acknowledged to them, and a gateway sends a
// delivery it got no answer for again. Requests still running when the bound comes are cut too, for the
// same reason, so the process can close its database and exit 0 within HUB_SHUTDOWN_TIMEOUT_MS.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface HttpConnections {
  /**
   * Drops every socket not waiting for an answer (idle, slow headers, slow body); the ones that are get
   * their socket closed after the answer. Returns how many were dropped.
   */
  dropIdleAndSlow(): number;
  /** Drops every socket, answers in progress included. */
  dropAll(): number;
}

export function trackHttpConnections(server: Server): HttpConnections {
  const sockets = new Set<Socket>();
  // The request each socket is on, until its answer is sent.
  const current = new Map<Socket, { req: IncomingMessage; res: ServerResponse }>();
  let draining = false;

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      current.delete(socket);
    });
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    current.set(socket, { req, res });
    res.once('finish', () => {
      if (current.get(socket)?.req === req) current.delete(socket);
      // Answered during the drain: no next request on this socket.
      if (draining) socket.end();
    });
  });

  return {
    dropIdleAndSlow() {
      draining = true;
      let dropped = 0;
      for (const socket of sockets) {
        const on = current.get(socket);
        // `complete`: the whole body arrived, so the request is being worked on.
        if (on && on.req.complete) {
          if (!on.res.headersSent) on.res.shouldKeepAlive = false;
          continue;
        }
        socket.destroy();
        dropped++;
      }
      return dropped;
    },
    dropAll() {
      draining = true;
      const dropped = sockets.size;
      for (const socket of sockets) socket.destroy();
      return dropped;
    },
  };
}

/**
 * Closes a Fastify app (its server stops accepting connections, then its onClose hooks run) while
 * dropping the sockets that owe it a request — now, and every 100 ms until it is closed, for sockets
 * accepted before the listener stopped; requests still running after `boundMs` are cut.
 */
export async function closeHttp(
  app: { close(): Promise<unknown> },
  connections: HttpConnections,
  boundMs: number,
): Promise<{ dropped: number; cut: number }> {
  const closed = app.close();
  let dropped = connections.dropIdleAndSlow();
  let cut = 0;
  const sweep = setInterval(() => {
    dropped += connections.dropIdleAndSlow();
  }, 100);
  const bound = setTimeout(() => {
    cut = connections.dropAll();
  }, boundMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(bound);
  }
  return { dropped, cut };
}
