import type { FastifyInstance } from "fastify";

/**
 * At most `concurrency` page renders at a time, the others waiting their turn in arrival order.
 * Without it an overloaded node starts every request at once: on PGlite their queries take
 * turns on one thread, so all of them finish late together, and a client that gave up (a
 * timeout, a closed tab) still costs its whole render. With it the early ones finish early,
 * and a request whose client has gone by its turn is dropped without rendering. Registered
 * after the page cache, so pages served from memory never wait here.
 */
export function registerRenderGate(
  app: FastifyInstance,
  opts: { routes: readonly string[]; concurrency: number },
): void {
  const routes = new Set(opts.routes);
  const waiting: (() => void)[] = [];
  let running = 0;
  // A finished render hands its slot to the next in line, or frees it.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  app.addHook("onRequest", async (req, reply) => {
    if (!routes.has(req.routeOptions.url ?? "")) return;
    if (running < opts.concurrency) running++;
    else await new Promise<void>((granted) => waiting.push(granted));
    if (req.raw.destroyed || req.socket.destroyed) {
      release();
      // Nobody is listening: answer nothing, and let the socket go.
      reply.hijack();
      req.socket.destroy();
      return;
    }
    // 'close' comes once per response, whether it was sent, failed or cut off.
    reply.raw.once("close", release);
  });
}
