import { changesUnless, runTool } from '@rclone-b2/core';
import { main } from './main.js';

void runTool('rsync-backup', main, { changes: changesUnless('-n', '--dry-run', '--dryrun', '--print-units') });
