/** A real local SMTP server (smtp-server) that records messages and can inject faults for the contract kit. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { ContractFake, Fault } from '../../src/testing/index.ts';

export interface SmtpFake extends ContractFake {
  host: string;
  port: number;
  messages: { from: string; to: string[]; raw: string; user: string | undefined }[];
}

export async function smtpFake(credentials: { username: string; password: string }): Promise<SmtpFake> {
  const attempts: { at: number }[] = [];
  const messages: SmtpFake['messages'] = [];
  const queue: Fault[] = [];
  let pending: Fault | undefined;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onConnect(_session, cb) {
      attempts.push({ at: Date.now() });
      pending = queue.shift();
      cb();
    },
    onAuth(auth, _session, cb) {
      if (pending === 'unauthorized' || auth.username !== credentials.username || auth.password !== credentials.password) {
        const err = Object.assign(new Error(`Authentication failed for ${auth.username}:${auth.password ?? ''}`), { responseCode: 535 });
        cb(err);
        return;
      }
      cb(null, { user: auth.username });
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (pending === 'unavailable') {
          cb(Object.assign(new Error('Requested action aborted: local error in processing'), { responseCode: 451 }));
          return;
        }
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string | undefined,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    messages,
    requests: () => attempts,
    inject(fault) {
      if (fault !== 'unauthorized' && fault !== 'unavailable') return false;
      queue.push(fault);
      return true;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
