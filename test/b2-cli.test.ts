// Backblaze's own command-line tool against the b2-emulator. Debian's backblaze-b2 (1.3.8)
// knows only its built-in realms (production, staging, dev) and has no flag or variable for
// another API URL, so the test does what the emulator's README tells users: authorize
// against the emulator and store that in the tool's account file (B2_ACCOUNT_INFO), which
// every later command uses as is.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from 'b2-emulator';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

const B2 = '/usr/bin/backblaze-b2';
const PYTHON = '/usr/bin/python3';
const present = existsSync(B2) && existsSync(PYTHON);
if (!present) console.warn(`skipping: Backblaze's CLI is not installed (${B2}; Debian package backblaze-b2)`);

/** The README's recipe: authorize against the emulator and save it where the b2 CLI looks. */
const SEED_ACCOUNT_INFO = `
import base64, json, sys, urllib.request
from b2.account_info.sqlite_account_info import SqliteAccountInfo
url, key_id, key = sys.argv[1:4]
basic = base64.b64encode(f"{key_id}:{key}".encode()).decode()
request = urllib.request.Request(url + "/b2api/v1/b2_authorize_account", headers={"Authorization": "Basic " + basic})
auth = json.load(urllib.request.urlopen(request))
SqliteAccountInfo().set_auth_data(auth["accountId"], auth["authorizationToken"], auth["apiUrl"], auth["downloadUrl"],
    auth["recommendedPartSize"], key, "production", auth["allowed"], key_id)
`;

describe.skipIf(!present)('backblaze-b2 (Debian) against the emulator', () => {
  let emulator: Emulator;
  let dir: string;
  let env: Record<string, string>;
  const b2 = async (...args: string[]): Promise<string> => (await execa(B2, args, { env, extendEnv: false })).stdout;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2-cli-'));
    emulator = await startEmulator();
    env = { B2_ACCOUNT_INFO: join(dir, 'account-info.sqlite'), HOME: dir, PATH: '/usr/bin:/bin' };
    await execa(PYTHON, ['-c', SEED_ACCOUNT_INFO, emulator.url, emulator.keyId, emulator.key], { env, extendEnv: false });
  });

  afterAll(async () => {
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a bucket, uploads, lists, downloads, hides and lists versions', async () => {
    await b2('create-bucket', 'cli-test-bucket', 'allPrivate');
    const file = join(dir, 'hello.txt');
    await writeFile(file, 'hello from the b2 CLI\n');
    await b2('upload-file', '--noProgress', 'cli-test-bucket', file, 'dir/hello.txt');
    await writeFile(file, 'second version\n');
    await b2('upload-file', '--noProgress', 'cli-test-bucket', file, 'dir/hello.txt');
    expect((await b2('ls', '--recursive', 'cli-test-bucket')).trim()).toBe('dir/hello.txt');
    await b2('download-file-by-name', '--noProgress', 'cli-test-bucket', 'dir/hello.txt', join(dir, 'back.txt'));
    expect(await readFile(join(dir, 'back.txt'), 'utf8')).toBe('second version\n');
    await b2('hide-file', 'cli-test-bucket', 'dir/hello.txt');
    expect((await b2('ls', '--recursive', 'cli-test-bucket')).trim()).toBe('');
    const versions = JSON.parse(await b2('list-file-versions', 'cli-test-bucket')) as { files: { action: string; size?: number; contentLength?: number }[] };
    expect(versions.files.map((f) => [f.action, f.contentLength ?? f.size])).toEqual([['hide', 0], ['upload', 15], ['upload', 22]]);
    // and the emulator saw the same
    const bucket = emulator.store.bucketByName('cli-test-bucket');
    expect(bucket && emulator.store.versionsOf(bucket.bucketId, 'dir/hello.txt').map((v) => v.action)).toEqual(['hide', 'upload', 'upload']);
  });
});
