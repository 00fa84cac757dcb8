import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { ConfigError, GuardError, ProblemError, quoteForMessage, reasonOf, UsageError, writeWithBackpressure, type ToolIO } from '@rclone-b2/core';

export interface TargetSetupOptions {
  /** The source host's name: names the account and the area. */
  host: string;
  /** The source's public key file (one line: type, base64, comment). */
  keyFile: string;
  base: string;
  /** This program on the target, as the forced command runs it. */
  bin: string;
  apply: boolean;
  /** Whether we run as root (--apply needs it). */
  isRoot: boolean;
}

export interface TargetPlan {
  user: string;
  home: string;
  area: string;
  authorizedKeys: string;
  forcedCommand: string;
}

/** `rsb-web1-example-com`: one account per source host, at most 32 characters as useradd wants. */
export function accountFor(host: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(host)) throw new UsageError(`host name ${quoteForMessage(host)}: letters, digits, dots and dashes only`);
  return `rsb-${host.toLowerCase().replace(/\./g, '-')}`.slice(0, 32);
}

/** authorized_keys options are double-quoted; the values we write never need escapes. */
function checkPlain(value: string, what: string): string {
  if (!/^[\w@%+=:,./-]+$/.test(value)) throw new UsageError(`${what} ${quoteForMessage(value)} must be a plain path (letters, digits, _ @ % + = : , . / -)`);
  return value;
}

export async function planTarget(options: TargetSetupOptions): Promise<TargetPlan> {
  const user = accountFor(options.host);
  const home = join(checkPlain(options.base, 'base'), options.host);
  const area = join(home, 'snapshots');
  let key: string;
  try {
    key = (await readFile(options.keyFile, 'utf8')).trim();
  } catch (error) {
    throw new ConfigError(`cannot read the public key ${quoteForMessage(options.keyFile)}: ${reasonOf(error)}`, undefined, { cause: error });
  }
  if (!/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+|sk-\S+) [A-Za-z0-9+/=]+( [^\n"]*)?$/.test(key)) {
    throw new ConfigError(`${options.keyFile} is not one public key line (type base64 [comment])`);
  }
  const forcedCommand = `${checkPlain(options.bin, '--bin')} target-receive --area ${area}`;
  // restrict: no pty, no forwarding of any kind, no ~/.ssh/rc; command=: this and nothing else.
  const authorizedKeys = `restrict,command="${forcedCommand}" ${key}\n`;
  return { user, home, area, authorizedKeys, forcedCommand };
}

/** The plan as the commands an administrator would type (printed; --apply does the same in-process). */
export function describePlan(plan: TargetPlan): string {
  return `# account for this source host: no password, a shell only to run the forced command
useradd --system --user-group --home-dir ${plan.home} --no-create-home --shell /bin/sh --password '*' ${plan.user}
install -d -o root -g root -m 755 ${plan.home} ${plan.home}/.ssh
install -d -o ${plan.user} -g ${plan.user} -m 700 ${plan.area}
# ${plan.home}/.ssh/authorized_keys (root-owned: the account cannot change it)
${plan.authorizedKeys}`;
}

async function userExists(user: string): Promise<boolean> {
  const result = await execa('id', ['-u', user], { reject: false });
  return result.exitCode === 0;
}

async function ids(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([execa('id', ['-u', user]), execa('id', ['-g', user])]);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/** Prints the plan, or with --apply (as root) creates the account, the area and the key entry. */
export async function targetSetup(options: TargetSetupOptions, io: ToolIO): Promise<number> {
  const plan = await planTarget(options);
  if (!options.apply) {
    await writeWithBackpressure(io.stdout, describePlan(plan));
    return 0;
  }
  if (!options.isRoot) throw new GuardError('--apply creates an account: run it as root (nothing was changed)');
  try {
    if (!(await userExists(plan.user))) {
      await execa('useradd', ['--system', '--user-group', '--home-dir', plan.home, '--no-create-home', '--shell', '/bin/sh', '--password', '*', plan.user]);
    }
    const { uid, gid } = await ids(plan.user);
    await mkdir(join(plan.home, '.ssh'), { recursive: true, mode: 0o755 });
    // sshd's StrictModes: the home and .ssh must not be writable by the account.
    for (const dir of [plan.home, join(plan.home, '.ssh')]) {
      await chown(dir, 0, 0);
      await chmod(dir, 0o755);
    }
    await mkdir(plan.area, { recursive: true });
    await chown(plan.area, uid, gid);
    await chmod(plan.area, 0o700);
    const keys = join(plan.home, '.ssh', 'authorized_keys');
    await writeFile(keys, plan.authorizedKeys, { mode: 0o644 });
    await chown(keys, 0, 0);
  } catch (error) {
    throw new ProblemError(`target-setup for ${options.host} failed: ${reasonOf(error)}`, { cause: error });
  }
  await writeWithBackpressure(io.stdout, `set up ${plan.user}: snapshots in ${plan.area}, key restricted to "${plan.forcedCommand}"\n`);
  return 0;
}
