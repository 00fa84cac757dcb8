// Fail fast when B2 cannot be reached at all; retry (and say so) only what is transient.
import { createServer, type AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../b2-emulator/src/index.js';
import { B2Client, createLogger } from '../src/index.js';
import { B2UnreachableError } from '../src/b2/errors.js';
import { describeNetworkError } from '../src/b2/network-error.js';
import { formatRetry, logRetries } from '../src/b2/retry-log.js';
import { type B2RetryEvent } from '../src/b2/client.js';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const noSleep = { now: () => Date.now(), sleep: async () => undefined };

describe('B2Client: an unreachable server at the first authorization', () => {
  it.each([
    ['a closed port', async () => `http://127.0.0.1:${await closedPort()}`, /connection refused/],
    ['an unknown host', async () => 'http://no-such-host.invalid', /host not found|host name lookup failed/],
  ])('%s fails at once, naming the endpoint, without retrying', async (_name, endpoint, reason) => {
    const url = await endpoint();
    const events: B2RetryEvent[] = [];
    const started = Date.now();
    // the real clock and the default back-off: the old code slept ~25 s here
    const error = await B2Client.authorize({ applicationKeyId: 'id', applicationKey: 'secret-key-42', endpoint: url, onRetry: (e) => events.push(e) }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(B2UnreachableError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot reach the B2 API at ${url.replace(/[.]/g, '\\.')}: `));
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).not.toContain('secret-key-42');
    expect(events).toEqual([]);
  });

  it('retries a connection reset after the server accepted it (transient), and reports it', async () => {
    const emulator = await startEmulator({ faults: [{ kind: 'drop', every: 1, limit: 2, calls: ['b2_authorize_account'] }] });
    try {
      const events: B2RetryEvent[] = [];
      const client = await B2Client.authorize({ applicationKeyId: emulator.keyId, applicationKey: emulator.key, endpoint: emulator.url, clock: noSleep, onRetry: (e) => events.push(e) });
      expect(client.accountId).toBe(emulator.accountId);
      expect(events.map((e) => [e.call, e.status, e.code])).toEqual([
        ['b2_authorize_account', 0, 'network_error'],
        ['b2_authorize_account', 0, 'network_error'],
      ]);
    } finally {
      await emulator.close();
    }
  });

  it('after a successful authorization, a refused connection is retried (the server may be restarting)', async () => {
    const emulator = await startEmulator();
    const client = await B2Client.authorize({ applicationKeyId: emulator.keyId, applicationKey: emulator.key, endpoint: emulator.url, clock: noSleep, retry: { retries: 2 } });
    await emulator.close();
    const error = await client.listBuckets().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: 'network_error', call: 'b2_list_buckets' });
    expect(error).not.toBeInstanceOf(B2UnreachableError);
    expect(client.calls.b2_list_buckets ?? 0).toBe(0);
  });
});

describe('B2Client: a server that does not answer', () => {
  it('times the call out and retries it (transient), reporting why', async () => {
    const emulator = await startEmulator();
    try {
      const events: B2RetryEvent[] = [];
      const client = await B2Client.authorize({ applicationKeyId: emulator.keyId, applicationKey: emulator.key, endpoint: emulator.url, clock: noSleep, timeoutMs: 300, onRetry: (e) => events.push(e) });
      emulator.setFaults([{ kind: 'latency', ms: 1500, every: 1, limit: 1, calls: ['b2_list_buckets'] }]);
      const started = Date.now();
      await client.listBuckets();
      expect(Date.now() - started).toBeLessThan(1500);
      expect(events.map((e) => [e.call, e.status, e.code, e.reason])).toEqual([['b2_list_buckets', 0, 'network_error', 'no answer within 0.3 s']]);
    } finally {
      await emulator.close();
    }
  });
});

describe('retry logging', () => {
  const event = (over: Partial<B2RetryEvent>): B2RetryEvent => ({ call: 'b2_list_file_versions', attempt: 1, retries: 5, status: 503, code: 'service_unavailable', reason: 'Service unavailable', waitMs: 1234, reauthorized: false, counted: true, ...over });

  it.each([
    [event({}), 'b2_list_file_versions: 503 service_unavailable (Service unavailable); retry 1/5 in 1.2 s'],
    [event({ status: 0, code: 'network_error', reason: 'read ECONNRESET', attempt: 2, waitMs: 2000 }), 'b2_list_file_versions: network error (read ECONNRESET); retry 2/5 in 2.0 s'],
    [event({ status: 401, code: 'expired_auth_token', reason: 'expired', waitMs: 0, reauthorized: true }), 'b2_list_file_versions: 401 expired_auth_token (expired); re-authorizing, then retry 1/5'],
    // a free renewal after the last counted retry: no "6/5"
    [
      event({ status: 401, code: 'expired_auth_token', reason: 'expired', waitMs: 0, reauthorized: true, counted: false, attempt: 5 }),
      'b2_list_file_versions: 401 expired_auth_token (expired); re-authorizing, then trying again (token renewals do not count against the 5 retries)',
    ],
  ])('formats %j', (e, line) => {
    expect(formatRetry(e)).toBe(line);
  });

  it('logs at -v only', () => {
    const lines = (verbosity: number): string => {
      const stream = new PassThrough();
      let out = '';
      stream.on('data', (c: Buffer) => (out += c.toString()));
      logRetries(createLogger({ tool: 't', stream, verbosity }))(event({}));
      return out;
    };
    expect(lines(0)).toBe('');
    expect(lines(1)).toBe('t: b2_list_file_versions: 503 service_unavailable (Service unavailable); retry 1/5 in 1.2 s\n');
  });

  it('describes fetch failures by their cause', async () => {
    const refused = await fetch(`http://127.0.0.1:${await closedPort()}/`).catch((e: unknown) => e);
    expect(describeNetworkError(refused)).toMatchObject({ code: 'ECONNREFUSED', neverConnected: true, reason: 'connection refused' });
    const reset = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    expect(describeNetworkError(reset)).toMatchObject({ code: 'ECONNRESET', neverConnected: false, reason: 'read ECONNRESET' });
  });
});
