import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Serves fixed JSON bodies by path (query ignored unless the handler reads it), for operator-endpoint tests. */
export async function jsonServer(routes: Record<string, (query: URLSearchParams) => unknown>): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const route = routes[url.pathname];
    if (!route) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`no route ${url.pathname}`);
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(route(url.searchParams)));
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
