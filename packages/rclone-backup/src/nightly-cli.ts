import { fileURLToPath } from 'node:url';
import { changesUnless, runTool } from '@rclone-b2/core';

import { nightlyMain } from './nightly-main.js';

const bin = fileURLToPath(new URL('../bin/rclone-backup-nightly.js', import.meta.url));
void runTool('rclone-backup-nightly', (argv, io) => nightlyMain(argv, io, bin), { changes: changesUnless('-n', '--dry-run', '--dryrun', '--print-units') });
