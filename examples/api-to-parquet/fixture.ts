/**
 * A local stand-in for an hourly weather-observations API that needs an API key (header `x-api-key`).
 * `GET /v1/observations?stations=A,B` answers `{ "generated_at", "observations": [...] }` for the current hour.
 * `failures` makes the next N requests answer 503, to see retries and skips.
 * Usage: node examples/api-to-parquet/fixture.ts [--port 4693] [--failures 0]
 */
import http from 'node:http';

export const FIXTURE_API_KEY = 'fixture-api-key';

export async function startWeatherFixture(port = 4693, options: { failures?: number } = {}) {
  const state = { failures: options.failures ?? 0, requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    const url = new URL(req.url!, 'http://127.0.0.1');
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname !== '/v1/observations') return send(404, { error: 'not found' });
    if (req.headers['x-api-key'] !== FIXTURE_API_KEY) return send(401, { error: 'invalid api key' });
    if (state.failures > 0) {
      state.failures--;
      return send(503, { error: 'temporarily unavailable' });
    }
    const hour = Math.floor(Date.now() / 3_600_000);
    const stations = (url.searchParams.get('stations') ?? 'OSL,ROM,LIM').split(',');
    send(200, {
      generated_at: new Date(hour * 3_600_000).toISOString(),
      observations: stations.map((station, i) => ({
        station, observed_at: new Date(hour * 3_600_000).toISOString(),
        temperature_c: Math.round((10 + 12 * Math.sin((hour + i * 5) / 4)) * 10) / 10, humidity_pct: 40 + ((hour * 7 + i * 13) % 50),
        wind: { speed_ms: ((hour + i) % 12) + 0.5, direction_deg: (hour * 37 + i * 90) % 360 },
      })),
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    base,
    state,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

if (import.meta.main) {
  const arg = (name: string) => process.argv.find((_, i) => process.argv[i - 1] === `--${name}`);
  const { base } = await startWeatherFixture(Number(arg('port') ?? 4693), { failures: Number(arg('failures') ?? 0) });
  console.log(`weather API fixture on ${base}/v1/observations (x-api-key: ${FIXTURE_API_KEY}); Ctrl-C to stop`);
}
