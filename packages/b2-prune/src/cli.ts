import { changesUnless, runTool } from '@rclone-b2/core';
import { main } from './main.js';

void runTool('b2-prune', (argv, io) => main(argv, io, { signal: io.signal }), { changes: changesUnless('-n', '--dry-run', '--dryrun', '--explain') });
