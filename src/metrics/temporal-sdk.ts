/**
 * The Temporal SDK's own runtime metrics (worker polls, task latencies, slots, sticky
 * cache). The SDK's Prometheus exporter serves them on an address of its own, fixed
 * when the Runtime is installed (once per process, before any NativeConnection). We
 * bind it to a free loopback port and append its text to our `/metrics`, so one
 * scrape target carries both.
 */
import { createServer } from 'node:net';

/** Bound on reading the SDK's exporter during a scrape. */
const SDK_SCRAPE_DEADLINE_MS = 1_000;

let sdkMetricsUrl: string | undefined;

/** A free loopback `host:port` for the SDK's exporter. */
export async function reserveLoopbackAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `127.0.0.1:${port}`;
}

/** Records where the installed Runtime exports its metrics. */
export function useSdkMetricsAddress(bindAddress: string): void {
  sdkMetricsUrl = `http://${bindAddress}/metrics`;
}

/** The SDK's metrics text, or '' when no exporter is installed or it does not answer in time. */
export async function sdkMetricsText(): Promise<string> {
  if (!sdkMetricsUrl) return '';
  try {
    const res = await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(SDK_SCRAPE_DEADLINE_MS) });
    return res.ok ? await res.text() : '';
  } catch {
    return '';
  }
}
