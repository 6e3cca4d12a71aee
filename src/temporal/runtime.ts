import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger.ts';

let installed = false;

/**
 * Routes the Temporal SDK's own logs into our pino logger. Its INFO lines (bundler
 * output, state changes) are noise for operators, so only WARN and above pass unless
 * LOG_LEVEL is debug or trace. Call once, before the first worker starts.
 */
export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  installed = true;
  const level: LogLevel = logger.level === 'debug' || logger.level === 'trace' ? 'DEBUG' : 'WARN';
  const sdk = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: l, message, meta }) => {
      const method = l === 'ERROR' ? 'error' : l === 'WARN' ? 'warn' : l === 'INFO' ? 'info' : 'debug';
      sdk[method](meta ?? {}, message);
    }),
  });
}
