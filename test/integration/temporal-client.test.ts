import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { createTemporalClient } from '../../src/temporal/client.ts';
import { freePort } from '../support/ports.ts';

/**
 * The SDK's gRPC retry interceptor re-issues calls from a timer. Closing the connection
 * while such a retry waits used to throw "Channel has been shut down" from the timer (an
 * uncaught exception that kills an API process shutting down while Temporal is away)
 * and left the caller's promise pending forever.
 */
describe('Temporal client connection', () => {
  it('rejects a call whose retry is pending when the connection closes, without an uncaught exception', async () => {
    const handle = createTemporalClient({ namespace: 'default', taskQueue: 'x', address: `127.0.0.1:${await freePort()}` });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const pending = handle.connection
        .withDeadline(Date.now() + 10_000, () => handle.connection.workflowService.getSystemInfo({}))
        .then(
          () => ({ ok: true as const }),
          (err: { code?: number; message?: string }) => ({ ok: false as const, code: err.code, message: err.message }),
        );
      // Let the first attempts fail (nothing listens) so a retry is waiting on its timer.
      await new Promise((r) => setTimeout(r, 700));
      await handle.connection.close();
      const hung = new Promise((r) => setTimeout(() => r({ ok: 'still pending after 5 s' }), 5_000).unref());
      const result = await Promise.race([pending, hung]);
      expect(result).toMatchObject({ ok: false, code: status.CANCELLED });
      // Any retry timer that was still armed has fired by now.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
