/**
 * moto's S3-compatible server (`moto_server`, PyPI `moto[server]`; the global setup
 * provisions it, test/support/provision.ts) on a free port for the s3 connector's tests, and a fault-injecting proxy in
 * front of it for the contract kit: the SDK talks real S3 wire format to a real
 * server; injected faults answer in S3's XML error format.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContractFake, Fault } from '../../src/testing/index.ts';
import { inject } from 'vitest';
import { freePort } from './ports.ts';
import { MOTO } from './provision.ts';

export interface MotoServer {
  url: string;
  close(): Promise<void>;
}

export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  let child: ChildProcess;
  let stderr = '';
  try {
    const moto = inject('motoCommand');
    if (!moto) throw new Error(`moto is not installed: python3 -m pip install "${MOTO.requirement}"`);
    const env = moto.pythonPath ? { ...process.env, PYTHONPATH: moto.pythonPath } : process.env;
    child = spawn(moto.command, [...moto.args, '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], env });
  } catch (err) {
    throw new Error(`cannot start moto_server (pip install "moto[server]"): ${(err as Error).message}`, { cause: err });
  }
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`moto_server failed to start (pip install "moto[server]"): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`moto_server exited with ${code}: ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const ready = (async () => {
    for (let i = 0; i < 200; i++) {
      try {
        const res = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) });
        if (res.status < 500) return;
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`moto_server did not answer on ${url} within 20 s: ${stderr}`);
  })();
  await Promise.race([ready, exited]);
  exited.catch(() => undefined);
  return {
    url,
    async close() {
      child.removeAllListeners('exit');
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
    },
  };
}

const xmlError = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`;

export interface S3Proxy extends ContractFake {
  requests(): { method: string; url: string; headers: IncomingHttpHeaders; at: number }[];
}

/** A proxy to `target` that answers the next call with an injected fault instead. */
export async function s3FaultProxy(target: string): Promise<S3Proxy> {
  const seen: { method: string; url: string; headers: IncomingHttpHeaders; at: number }[] = [];
  const queue: Fault[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, at: Date.now() });
    const fault = queue.shift();
    const answer = (status: number, headers: Record<string, string>, body: string) => {
      req.resume();
      res.writeHead(status, { 'content-type': 'application/xml', ...headers });
      res.end(body);
    };
    if (fault === 'unauthorized') return answer(403, {}, xmlError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'));
    if (fault === 'rateLimited') return answer(503, { 'retry-after': '2' }, xmlError('SlowDown', 'Please reduce your request rate.'));
    if (fault === 'unavailable') return answer(500, {}, xmlError('InternalError', 'We encountered an internal error. Please try again.'));
    // A 200 without the headers and body S3 always sends.
    if (fault === 'malformed') return answer(200, {}, '');
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', (err) => answer(502, {}, xmlError('BadGateway', err.message)));
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => seen,
    inject(fault) {
      queue.push(fault);
      return true;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * moto plus the fault proxy as one contract fake, with `bucket` created and the given
 * objects in it (moto accepts unsigned setup calls).
 */
export async function s3ContractFake(bucket: string, objects: Record<string, string> = {}): Promise<S3Proxy & { motoUrl: string }> {
  const moto = await startMoto();
  try {
    const created = await fetch(`${moto.url}/${bucket}`, { method: 'PUT' });
    if (!created.ok) throw new Error(`creating bucket ${bucket} in moto: ${created.status} ${await created.text()}`);
    for (const [key, body] of Object.entries(objects)) {
      const put = await fetch(`${moto.url}/${bucket}/${key}`, { method: 'PUT', body, headers: { 'content-type': 'text/plain' } });
      if (!put.ok) throw new Error(`putting ${key} in moto: ${put.status}`);
    }
    const proxy = await s3FaultProxy(moto.url);
    return {
      ...proxy,
      motoUrl: moto.url,
      async close() {
        await proxy.close();
        await moto.close();
      },
    };
  } catch (err) {
    await moto.close();
    throw err;
  }
}
