import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Serves JSON bodies by path, for operator-endpoint tests; a handler returning undefined means 404. */
export async function jsonServer(routes: Record<string, (query: URLSearchParams) => unknown>): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const route = routes[url.pathname];
    if (!route) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`no route ${url.pathname}`);
      return;
    }
    const body = route(url.searchParams);
    if (body === undefined) res.writeHead(404, { "content-type": "text/plain" }).end("no such file");
    else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
