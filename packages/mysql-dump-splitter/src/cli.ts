import { changesUnless, runTool } from '@rclone-b2/core';
import { main, TOOL } from './main.js';

void runTool(TOOL, main, { changes: changesUnless('-n', '--dry-run', '--dryrun') });
