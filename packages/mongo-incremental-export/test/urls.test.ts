import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportError } from '@rclone-b2/core';
import { mainExport } from '../src/main-export.js';
import { simpleDoc } from './helpers/corpus.js';
import { memoryIO } from './helpers/io.js';
import { documentFiles, snapshot } from './helpers/tree-snapshot.js';
import { startWireServer, type WireServer } from './helpers/wire-server.js';

// Replica-set and TLS options in URLs go to the driver unchanged; these servers are the
// test server in replica-set and TLS modes (they run even when MONGODB_URL is set).
let work: string;
let replica: WireServer;
let secure: WireServer;

async function exportRun(argv: string[]): Promise<{ code: number; err: string }> {
  const io = memoryIO('/');
  try {
    return { code: await mainExport(argv, io), err: io.err() };
  } catch (error) {
    return { code: reportError('mongo-incremental-export', error, io, false), err: io.err() };
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mie-urls-'));
  await execa('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem'),
  ]);
  replica = await startWireServer({ replicaSet: 'rs0', users: { backup: 'c0rrect-horse' } });
  secure = await startWireServer({ tls: { key: await readFile(join(work, 'key.pem'), 'utf8'), cert: await readFile(join(work, 'cert.pem'), 'utf8') } });
  replica.insertRaw('db', 'c', [simpleDoc(1, 'a'), simpleDoc(2, 'b')]);
  secure.insertRaw('db', 'c', [simpleDoc(1, 'a'), simpleDoc(2, 'b'), simpleDoc(3, 'c')]);
});
afterAll(async () => {
  await replica.close();
  await secure.close();
  await rm(work, { recursive: true, force: true });
});

describe('URL options reach the driver', () => {
  it('exports from a replica set named in the URL', async () => {
    const out = join(work, 'rs');
    const result = await exportRun(['--out', out, `mongodb://127.0.0.1:${replica.port}/db?replicaSet=rs0&readPreference=primary`]);
    expect(result.code, result.err).toBe(0);
    expect(documentFiles(await snapshot(join(out, 'db')))).toHaveLength(2);
  });

  it('logs in with SCRAM-SHA-256 credentials and authSource from the URL', async () => {
    const out = join(work, 'auth');
    const url = `mongodb://backup:c0rrect-horse@127.0.0.1:${replica.port}/db?replicaSet=rs0&authSource=admin&authMechanism=SCRAM-SHA-256`;
    const result = await exportRun(['-v', '--out', out, url]);
    expect(result.code, result.err).toBe(0);
    expect(result.err).not.toMatch(/c0rrect-horse/);
    expect(documentFiles(await snapshot(join(out, 'db')))).toHaveLength(2);
    const wrong = await exportRun(['--out', join(work, 'auth-bad'), url.replace('c0rrect-horse', 'wr0ng-horse')]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/authentication failed for mongodb:\/\/backup:<credentials>@/);
    expect(wrong.err).not.toMatch(/wr0ng-horse/);
  });

  it('a wrong replica-set name is a configuration error (exit 2)', async () => {
    const result = await exportRun(['--timeout', '500ms', '--out', join(work, 'rs-bad'), `mongodb://127.0.0.1:${replica.port}/db?replicaSet=other`]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/cannot connect to .*not a member of the URL's replica set/);
  });

  it('exports over TLS with the CA given in the URL', async () => {
    const out = join(work, 'tls');
    const ca = encodeURIComponent(join(work, 'cert.pem'));
    const result = await exportRun(['--out', out, `mongodb://127.0.0.1:${secure.port}/db?tls=true&tlsCAFile=${ca}`]);
    expect(result.code, result.err).toBe(0);
    expect(documentFiles(await snapshot(join(out, 'db')))).toHaveLength(3);
  });

  it.each([
    ['an untrusted certificate is a configuration error (exit 2)', (port: number) => `mongodb://127.0.0.1:${port}/db?tls=true`, 2, /TLS certificate is not trusted/],
    // the server just closes the connection: from here that is a server we cannot talk to
    ['no TLS against a TLS server is a connection failure (exit 1)', (port: number) => `mongodb://127.0.0.1:${port}/db`, 1, /closed/],
  ])('%s', async (_label, url, code, message) => {
    const result = await exportRun(['--timeout', '500ms', '--out', join(work, 'tls-bad'), url(secure.port)]);
    expect(result.code).toBe(code);
    expect(result.err).toMatch(/cannot connect to/);
    expect(result.err).toMatch(message);
  });
});
