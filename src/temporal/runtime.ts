import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger.ts';
import { useSdkMetricsAddress } from '../metrics/temporal-sdk.ts';

let installed = false;

/**
 * Routes the Temporal SDK's own logs into our pino logger. Its INFO lines (bundler
 * output, state changes) are noise for operators, so only WARN and above pass unless
 * LOG_LEVEL is debug or trace. With `sdkMetricsAddress` (host:port), the SDK's own
 * Prometheus exporter binds there and `/metrics` appends its text (src/metrics/temporal-sdk.ts).
 * Call once, before the first NativeConnection: the Runtime can be installed only once.
 */
export function installTemporalRuntime(logger: Logger, sdkMetricsAddress?: string): void {
  if (installed) return;
  installed = true;
  if (sdkMetricsAddress) useSdkMetricsAddress(sdkMetricsAddress);
  const level: LogLevel = logger.level === 'debug' || logger.level === 'trace' ? 'DEBUG' : 'WARN';
  const sdk = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: l, message, meta }) => {
      const method = l === 'ERROR' ? 'error' : l === 'WARN' ? 'warn' : l === 'INFO' ? 'info' : 'debug';
      sdk[method](meta ?? {}, message);
    }),
    ...(sdkMetricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: sdkMetricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } } } } : {}),
  });
}
