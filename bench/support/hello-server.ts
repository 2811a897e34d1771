// The baseline of the ingest benchmark: a bare Fastify "hello world" that parses the same JSON body the
// hub gets and answers a small JSON object. No validation, no database. Prints its port on stdout.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => {
  try {
    done(null, JSON.parse(body as string));
  } catch (err) {
    done(err as Error);
  }
});
app.post('/*', async () => ({ hello: 'world' }));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }) + '\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
