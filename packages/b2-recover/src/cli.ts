import { changesUnless, runTool } from '@rclone-b2/core';
import { main } from './main.js';

await runTool('b2-recover', main, { changes: changesUnless('-n', '--dry-run', '--dryrun') });
