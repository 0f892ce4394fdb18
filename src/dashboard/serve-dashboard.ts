/** Serves the dashboard over HTTP: on loopback unless a host is given explicitly. */
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

/** Starts listening; returns the URL to open (with the token) and how to stop. */
export async function serveDashboard(app: Hono, options: { port: number; host: string; token: string }): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      resolve({
        url: `http://${host}:${info.port}/?token=${options.token}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
    server.once('error', reject);
  });
}
