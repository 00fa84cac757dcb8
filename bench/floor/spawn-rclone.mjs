// The floor of target 2 for any Node program: start Node, spawn the plain rclone command, wait.
// (A measurement only: the tools themselves run programs through execa, the house rule.)
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
spawn(command, args, { stdio: 'inherit' }).on('exit', (code) => {
  process.exitCode = code ?? 1;
});
