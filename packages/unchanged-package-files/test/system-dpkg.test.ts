// This machine's real dpkg database: a package built here is installed with apt-get (which
// waits for the dpkg lock, as other work may be installing too) and purged afterwards.
import { appendFile, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptGet, buildDeb } from './helpers/deb.js';
import { listed, runTool } from './helpers/run.js';

const NAME = `upf-test-${process.pid}`;
const DIR = `/usr/share/${NAME}`;
const CONF = `/etc/${NAME}.conf`;
let installed = false;

beforeAll(async () => {
  const { stdout: arch } = await execa('dpkg', ['--print-architecture']);
  const deb = await buildDeb({
    name: NAME,
    architecture: arch,
    files: { [`${DIR}/data.txt`]: 'data\n', [`${DIR}/other.txt`]: 'other\n', [CONF]: 'option = 1\n' },
    conffiles: [CONF],
  });
  await aptGet(['install', deb]);
  installed = true;
}, 600_000);

afterAll(async () => {
  if (installed) await aptGet(['purge', NAME]);
}, 600_000);

describe("this machine's dpkg database", () => {
  it("lists the installed package's files, its conffile included, as rclone rules", async () => {
    const result = await runTool(['--package', NAME]);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(listed(result.out)).toEqual([CONF, `${DIR}/data.txt`, `${DIR}/other.txt`]);
  });

  it('a file modified after installation and an edited conffile leave the list (they are backed up)', async () => {
    await appendFile(`${DIR}/data.txt`, 'changed here\n');
    await writeFile(CONF, 'option = 2\n');
    const result = await runTool(['--package', NAME, '-v']);
    expect(result.code).toBe(0);
    expect(listed(result.out)).toEqual([`${DIR}/other.txt`]);
    expect(result.err).toContain(`changed conffile: "${CONF}"`);
    expect(result.err).toContain(`changed: "${DIR}/data.txt"`);
  });
});
