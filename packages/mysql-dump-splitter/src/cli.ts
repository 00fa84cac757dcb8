import { changesUnless, runTool } from '@rclone-b2/core';
import { main, TOOL } from './main.js';

await runTool(TOOL, main, { changes: changesUnless('-n', '--dry-run', '--dryrun') });
