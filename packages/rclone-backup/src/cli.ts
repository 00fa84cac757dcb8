import { changesUnless, runTool } from '@rclone-b2/core';
import { main } from './main.js';

void runTool('rclone-backup', main, { changes: changesUnless('-n', '--dry-run', '--dryrun', '--ls', '--newest', '--filters', '--audit'), lazyYargs: true });
