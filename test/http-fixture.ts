/** A loopback HTTP server for tests: routes by path, records every request. */
import http from 'node:http';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

export async function fixtureServer(routes: Record<string, Handler>) {
  const requests: { path: string; query: URLSearchParams; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://127.0.0.1');
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      requests.push({ path: url.pathname, query: url.searchParams, headers: req.headers, body });
      const route = routes[url.pathname];
      if (!route) return void res.writeHead(404).end('not found');
      route(req, res, url);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { base, requests, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

export function json(res: http.ServerResponse, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
}
