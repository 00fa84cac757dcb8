import { changesUnless, runTool } from '@rclone-b2/core';
import { main } from './main.js';

await runTool('encrypted-cleanup', main, { changes: changesUnless('-n', '--dry-run', '--dryrun') });
