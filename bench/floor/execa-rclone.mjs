// The floor of target 2 under the house rules: start Node, load execa, run the plain rclone
// command through it, wait. The bench bundles it into one CommonJS file, as the bins are.
import { execa } from 'execa';

const [command, ...args] = process.argv.slice(2);
execa(command, args, { stdio: 'inherit', reject: false }).then((result) => {
  process.exitCode = result.exitCode;
});
