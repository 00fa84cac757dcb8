// Fault injection for the kill tests of mysql-dump-splitter and mongo-incremental-export,
// outside the tools' code: preloaded with `node --import THIS_FILE bin/TOOL.js ...`, it
// counts the calls that change the file system (open for writing, write, fsync, rename,
// unlink, mkdir, rmdir, copy; sync, callback-free promise and FileHandle forms) and sends
// its own process a real SIGKILL just before the call that would exceed
// KILL_AFTER_WRITES. With KILL_AFTER_WRITES=count it kills nothing and writes the number
// of such calls to the file KILL_COUNT_FILE at exit, so a test can pick kill points.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const setting = process.env.KILL_AFTER_WRITES;
const counting = setting === 'count';
const limit = counting ? Infinity : Number(setting);
if (!counting && !(Number.isInteger(limit) && limit >= 0)) throw new Error(`KILL_AFTER_WRITES must be a count or "count", not ${setting}`);
let writes = 0;

function step() {
  if (writes >= limit) process.kill(process.pid, 'SIGKILL');
  writes += 1;
}

const writesTo = (flags) => (typeof flags === 'number' ? (flags & 3) !== 0 : flags !== undefined && (!String(flags).startsWith('r') || String(flags).includes('+')));
const notStdio = (fd) => typeof fd !== 'number' || fd > 2;
const always = () => true;

const SYNC = {
  openSync: (_path, flags) => writesTo(flags),
  writeSync: notStdio,
  writeFileSync: always,
  appendFileSync: always,
  fsyncSync: always,
  fdatasyncSync: always,
  renameSync: always,
  unlinkSync: always,
  rmSync: always,
  rmdirSync: always,
  mkdirSync: always,
  copyFileSync: always,
  truncateSync: always,
  ftruncateSync: always,
  utimesSync: always,
};
const PROMISES = {
  open: (_path, flags) => writesTo(flags),
  writeFile: always,
  appendFile: always,
  rename: always,
  unlink: always,
  rm: always,
  rmdir: always,
  mkdir: always,
  copyFile: always,
  truncate: always,
  utimes: always,
};
const HANDLE = { write: always, writeFile: always, appendFile: always, sync: always, datasync: always, truncate: always };

function wrap(target, table) {
  for (const [name, counts] of Object.entries(table)) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function (...args) {
      if (counts(...args)) step();
      return original.apply(this, args);
    };
  }
}

const originalWriteFileSync = fs.writeFileSync;
const probe = await fsp.open(process.execPath, 'r');
const handlePrototype = Object.getPrototypeOf(probe);
await probe.close();
wrap(fs, SYNC);
wrap(fsp, PROMISES);
wrap(handlePrototype, HANDLE);
syncBuiltinESMExports();

if (counting) {
  process.on('exit', () => originalWriteFileSync(process.env.KILL_COUNT_FILE, `${writes}\n`));
}
