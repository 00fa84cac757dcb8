#!/usr/bin/env node
// The toolset end to end, against a local B2 emulator: no credentials, no network.
//
// It backs up a small home directory with rclone-backup into an rclone-crypt remote on the
// emulator, lets six simulated months of edits and deletions pass (the emulator's clock),
// then shows where the space goes (encrypted-du), thins old versions (b2-prune, first
// --dry-run), restores the tree as it was in February (encrypted-restore --as-of), suffers
// the classic disaster (a forced sync of an empty source hides everything) and undoes it
// (b2-recover). Every step says what it expects and checks it; a broken promise exits 1.
//
// Usage: node scripts/demo.mjs [--keep]   (--keep leaves the temp directory for a look)
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const DAY = 86_400_000;
const started = Date.now();

const bin = (tool) => join(root, 'packages', tool, 'bin', `${tool}.js`);
const required = ['b2-emulator/dist/index.js', 'rclone-backup/dist/cli.js', 'encrypted-du/dist/cli.js', 'b2-prune/dist/cli.js', 'encrypted-restore/dist/cli.js', 'b2-recover/dist/cli.js'];
for (const file of required) {
  if (!existsSync(join(root, 'packages', file))) {
    console.error(`demo: packages/${file} is missing; build first (pnpm build, or scripts/demo.sh)`);
    process.exit(2);
  }
}
const { startEmulator } = await import(join(root, 'packages/b2-emulator/dist/index.js'));
const { writeRcloneTestConfig } = await import(join(root, 'packages/b2-emulator/dist/test-helpers.js'));

// ---------------------------------------------------------------------------------------
// Narration and checks

let step = 0;
let failures = 0;
const tty = Boolean(process.stdout.isTTY);
// eslint-disable-next-line no-control-regex
const say = (text) => process.stdout.write(`${tty ? text : text.replace(/\x1b\[[0-9;]*m/g, '')}\n`);
const title = (text) => say(`\n\x1b[1m${++step}. ${text}\x1b[0m`);
const indent = (text, prefix = '   │ ') => text.trimEnd().split('\n').filter((l) => l !== '').map((l) => `${prefix}${l}`).join('\n');
function check(ok, promise, detail = '') {
  say(`   ${ok ? '\x1b[32m✓\x1b[0m' : '\x1b[31m✗\x1b[0m'} ${promise}${!ok && detail ? ` — ${detail}` : ''}`);
  if (!ok) failures += 1;
  return ok;
}

/** Runs a program with an argument array (no shell); never throws, returns code and output. */
function run(program, args, { env = {}, show = true } = {}) {
  return new Promise((resolve) => {
    execFile(program, args, { env: { ...process.env, ...commonEnv, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      if (show) {
        const shown = [program === process.execPath ? args[0].split('/').pop().replace(/\.js$/, '') : program, ...args.slice(program === process.execPath ? 1 : 0)]
          .map((a) => (/[\s'"]/.test(a) ? `'${a}'` : a))
          .join(' ')
          .replaceAll(work, '$DEMO');
        say(`   $ ${shown}`);
        if (stdout.trim()) say(indent(stdout));
        if (stderr.trim()) say(indent(stderr, '   ! '));
      }
      resolve({ code, stdout, stderr });
    });
  });
}
const tool = (name, args, options) => run(process.execPath, [bin(name), ...args], options);

// ---------------------------------------------------------------------------------------
// The world: an emulator, a throw-away rclone.conf, a home directory to back up

const work = await mkdtemp(join(tmpdir(), 'rclone-b2-demo-'));
const commonEnv = { HOME: work, RCLONE_CONFIG: join(work, 'conf', 'rclone.conf'), TZ: 'UTC' };
const emulator = await startEmulator({});
// The simulated half year ends about ten days before today, so every tool's own notion of
// "now" (b2-prune judges ages against the real clock) agrees with the emulator's history.
const T0 = Math.floor((Date.now() - 196 * DAY) / DAY) * DAY + 3 * 3600_000;
emulator.clock.set(T0);
emulator.clock.freeze();
const conf = await writeRcloneTestConfig({ emulator, dir: join(work, 'conf'), bucket: 'family-backup', prefix: 'crypt', password: 'demo correct horse', password2: 'demo battery staple' });
const home = join(work, 'home');
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Writes a file with an mtime a little before "now" on the emulator's clock. */
async function put(path, content) {
  const full = join(home, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content);
  const mtime = (emulator.clock.now() - 3600_000) / 1000;
  await utimes(full, mtime, mtime);
}

/** path → content of every file under a directory. */
async function tree(dir, base = dir) {
  const out = {};
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, await tree(full, base));
    else out[relative(base, full)] = (await readFile(full)).toString('latin1');
  }
  return out;
}
const sameTree = (a, b) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
const sizeOf = (files) => Object.values(files).reduce((n, c) => n + c.length, 0);

/** Every version in the bucket, from the emulator's own books (independent of our tools). */
function bucketVersions() {
  const bucket = emulator.store.listBuckets().find((b) => b.bucketName === 'family-backup');
  const view = emulator.store.view(bucket.bucketId);
  let uploads = 0;
  let hides = 0;
  let hiddenNames = 0;
  for (const name of view.sorted) {
    const versions = view.names.get(name) ?? [];
    for (const v of versions) v.action === 'hide' ? (hides += 1) : (uploads += 1);
    if (versions[0]?.action === 'hide') hiddenNames += 1;
  }
  return { uploads, hides, total: uploads + hides, hiddenNames };
}

const backupConf = join(work, 'home.conf');
await writeFile(
  backupConf,
  [
    '# the nightly backup of the family home directory',
    '[default]',
    `source = ${home}`,
    'destination = secret:home',
    'archive_specials = no',
    '',
    '[filters]',
    '- *.tmp',
    '',
  ].join('\n'),
);

try {
  // -------------------------------------------------------------------------------------
  title(`A home directory, backed up on ${iso(T0).slice(0, 10)} into an encrypted bucket on the B2 emulator`);
  say(`   emulator at ${emulator.url}; rclone.conf has a b2 remote and a crypt remote "secret" over family-backup/crypt`);
  await put('docs/taxes-2023.pdf', 'PDF'.repeat(20_000));
  await put('docs/letter to grandma.txt', 'Dear grandma,\n');
  await put('docs/notes.md', '# notes\n');
  await put('photos/2023/beach.jpg', 'JPEG'.repeat(40_000));
  await put('photos/2023/snow.jpg', 'JPEG'.repeat(30_000));
  await put('photos/2023/über-café.jpg', 'JPEG'.repeat(10_000));
  await put('music/playlist.m3u', 'one.mp3\ntwo.mp3\n');
  await put('scratch/build.tmp', 'temporary');
  const first = await tool('rclone-backup', ['--rclone-config', conf.configPath, backupConf]);
  check(first.code === 0, 'rclone-backup synced the home directory', `exit ${first.code}`);
  const listed = await run('rclone', ['lsf', '-R', '--files-only', 'secret:home'], { show: false });
  check(listed.stdout.split('\n').filter(Boolean).length === 7, 'the crypt remote shows the 7 files (the *.tmp filter kept scratch/build.tmp out)', listed.stdout);
  const raw = await run('rclone', ['lsf', '-R', '--files-only', `${conf.b2Remote}:family-backup/crypt`], { show: false });
  check(!raw.stdout.includes('beach') && raw.stdout.split('\n').filter(Boolean).length === 7, 'in the bucket itself every name is encrypted', raw.stdout);

  // -------------------------------------------------------------------------------------
  title('Six months pass: the notes grow every month, photos arrive, some files are deleted; then a busy fortnight');
  const snapshots = [];
  for (let month = 1; month <= 6; month += 1) {
    emulator.clock.advance(30 * DAY);
    await put('docs/notes.md', `# notes\n${'- another month\n'.repeat(month)}`);
    await put(`photos/2024/month-${month}.jpg`, 'JPEG'.repeat(5_000 * month));
    if (month === 2) await rm(join(home, 'docs/letter to grandma.txt'));
    if (month === 3) await put('docs/taxes-2023.pdf', 'PDF'.repeat(21_000));
    if (month === 4) await rm(join(home, 'music'), { recursive: true });
    const result = await tool('rclone-backup', ['-q', '--rclone-config', conf.configPath, backupConf], { show: false });
    snapshots.push({ month, at: emulator.clock.now(), files: await tree(home) });
    if (result.code !== 0) say(indent(result.stderr, '   ! '));
    say(`   ${iso(emulator.clock.now()).slice(0, 10)}: backup ${result.code === 0 ? 'ok' : `FAILED (exit ${result.code})`}`);
  }
  for (let day = 1; day <= 10; day += 1) {
    emulator.clock.advance(DAY);
    await put('docs/notes.md', `# notes\n${'- another month\n'.repeat(6)}${'- a busy day\n'.repeat(day)}`);
    const result = await tool('rclone-backup', ['-q', '--rclone-config', conf.configPath, backupConf], { show: false });
    if (result.code !== 0) say(indent(result.stderr, '   ! '));
  }
  say(`   ${iso(emulator.clock.now()).slice(0, 10)}: ten nightly backups done, the notes changed every day`);
  for (const s of snapshots) delete s.files['scratch/build.tmp'];
  const versionsBefore = bucketVersions();
  check(versionsBefore.uploads === 7 + 6 + 6 + 1 + 10 && versionsBefore.hides === 2, `the bucket now holds ${versionsBefore.uploads} uploads and ${versionsBefore.hides} hide markers (B2 keeps every old version)`, JSON.stringify(versionsBefore));

  // -------------------------------------------------------------------------------------
  title('encrypted-du: where does the space go? (current files vs old versions and deleted files)');
  const current = await tree(home);
  delete current['scratch/build.tmp'];
  const du = await tool('encrypted-du', ['-h', '--depth', '2', 'secret:']);
  check(du.code === 0, 'encrypted-du summarised every version by decrypted path', `exit ${du.code}`);
  const undeleted = await tool('encrypted-du', ['--ls', '--no-all-output', '--undeleted-output', '-', 'secret:home'], { show: false });
  const deleted = await tool('encrypted-du', ['--ls', '--no-all-output', '--deleted-output', '-', 'secret:home'], { show: false });
  const sum = (text) => text.split('\n').filter(Boolean).reduce((n, l) => n + Number(l.trim().split(' ')[0]), 0);
  check(sum(undeleted.stdout) === sizeOf(current), `current versions hold ${sizeOf(current)} plaintext bytes, exactly the size of the home directory`, `${sum(undeleted.stdout)}`);
  const oldCount = deleted.stdout.split('\n').filter(Boolean).length;
  check(oldCount === versionsBefore.uploads - Object.keys(current).length, `the deleted inventory lists the ${oldCount} old and deleted versions, named as rclone --b2-versions names them (NAME-vYYYY-MM-DD-HHMMSS-mmm.EXT)`);
  const examples = deleted.stdout.split('\n').filter((l) => l.includes('notes.md') || l.includes('grandma'));
  say(indent([...examples.slice(0, 6), `   … (${oldCount} lines in all)`].join('\n')));

  // -------------------------------------------------------------------------------------
  title('b2-prune: thin old versions by the default policy (1..7 days, weekly to 30, monthly to 365, deleted files only while "?")');
  const dry = await tool('b2-prune', ['--dry-run', '--rclone-config', conf.configPath, 'secret']);
  check(dry.code === 0 && bucketVersions().total === versionsBefore.total, '--dry-run decided and reported, and deleted nothing', `exit ${dry.code}`);
  const prune = await tool('b2-prune', ['--rclone-config', conf.configPath, 'secret']);
  const afterPrune = bucketVersions();
  check(prune.code === 0 && afterPrune.total < versionsBefore.total, `b2-prune thinned the busy fortnight's daily versions: ${versionsBefore.total} versions before, ${afterPrune.total} after`, `exit ${prune.code}`);
  check(afterPrune.hiddenNames === versionsBefore.hiddenNames, 'the deleted files are still kept (monthly for a year) and still deleted');
  const stillThere = await run('rclone', ['check', '--download', home, 'secret:home', '--exclude', '*.tmp'], { show: false });
  check(stillThere.code === 0, 'every current file is still intact (rclone check --download)', stillThere.stderr.split('\n').slice(-3).join(' '));

  // -------------------------------------------------------------------------------------
  const february = snapshots.find((s) => s.month === 1);
  const asOf = february.at + 3600_000;
  title(`encrypted-restore --as-of ${iso(asOf)}: the home directory as it was after the first month`);
  const restored = join(work, 'restored-month-1');
  const restore = await tool('encrypted-restore', ['--as-of', iso(asOf), 'secret:home', restored]);
  check(restore.code === 0, 'encrypted-restore downloaded, verified (SHA-1 + crypt MAC) and decrypted the versions', `exit ${restore.code}`);
  const got = await tree(restored);
  check(sameTree(got, february.files), `the restored tree equals that month's (${Object.keys(february.files).length} files: the letter to grandma and the playlist, deleted since, are back; notes.md has 1 entry)`, `${Object.keys(got).sort().join(', ')}`);
  const notesTime = (await stat(join(restored, 'docs/notes.md')).catch(() => undefined))?.mtimeMs;
  check(notesTime === Math.floor((february.at - 3600_000) / 1000) * 1000, 'modification times are restored from the backup');

  // -------------------------------------------------------------------------------------
  title('Disaster: the NAS was not mounted, and someone forced the backup of the empty directory');
  emulator.clock.advance(DAY);
  const disasterAt = emulator.clock.now();
  const saved = join(work, 'home-copy');
  await run('cp', ['-a', home, saved], { show: false });
  await rm(home, { recursive: true });
  await mkdir(home);
  const guarded = await tool('rclone-backup', ['--rclone-config', conf.configPath, backupConf]);
  check(guarded.code === 3, 'rclone-backup refused: the source is empty (exit 3, a tripped guard)', `exit ${guarded.code}`);
  emulator.clock.advance(60_000);
  const forced = await tool('rclone-backup', ['-q', '--force', '--rclone-config', conf.configPath, backupConf]);
  const gone = await run('rclone', ['lsf', '-R', '--files-only', 'secret:home'], { show: false });
  check(forced.code === 0 && gone.stdout.trim() === '', 'with --force it synced the empty directory: every file in the backup is now hidden', gone.stdout);

  // -------------------------------------------------------------------------------------
  title('b2-recover: undelete everything hidden after the bad moment');
  await rm(home, { recursive: true });
  await run('cp', ['-a', saved, home], { show: false });
  const dryRecover = await tool('b2-recover', ['--dry-run', '--local-directory', home, '--backup-directory', 'home', 'secret']);
  check(dryRecover.code === 0 && (await run('rclone', ['lsf', '-R', 'secret:home'], { show: false })).stdout.trim() === '', '--dry-run listed what it would undelete and changed nothing');
  const recover = await tool('b2-recover', ['--hidden-after', iso(disasterAt), 'secret']);
  check(recover.code === 0, 'b2-recover deleted the hide markers written after the disaster', `exit ${recover.code}`);
  const back = await run('rclone', ['check', '--download', home, 'secret:home', '--exclude', '*.tmp'], { show: false });
  check(back.code === 0, 'the backup matches the home directory again, byte for byte (rclone check --download)', back.stderr.split('\n').slice(-3).join(' '));
  const grandma = await run('rclone', ['lsf', 'secret:home/docs'], { show: false });
  check(!grandma.stdout.includes('grandma'), 'files deleted on purpose before the disaster stay deleted');
} catch (error) {
  failures += 1;
  say(`\ndemo: unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
} finally {
  await emulator.close();
  if (keep) say(`\n(kept ${work})`);
  else await rm(work, { recursive: true, force: true });
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
say(failures === 0 ? `\nAll ${step} steps did what they said (${seconds} s).` : `\n${failures} check(s) FAILED (${seconds} s).`);
process.exitCode = failures === 0 ? 0 : 1;
