/**
 * The unauthenticated metrics listener on `SWITCHBOARD_METRICS_ADDRESS` (host:port):
 * `GET /metrics` only, for a Prometheus on a private network. `switchboard api`,
 * `dev` and `worker` start it when the address is set.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from '../logger.ts';

/** Host and port of `host:port` (`[::1]:9464` too). */
export function parseHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}

export interface MetricsServer {
  server: Server;
  /** The bound `http://host:port`. */
  url: string;
  close(): Promise<void>;
}

/** Listens with `app` (`createMetricsApp` in src/app.ts) on `address`. */
export async function startMetricsServer(address: string, app: Express, logger: Logger): Promise<MetricsServer> {
  const { host, port } = parseHostPort(address);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
  const bound = server.address() as AddressInfo;
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  logger.info({ url: `${url}/metrics` }, 'metrics listener running');
  return {
    server,
    url,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
