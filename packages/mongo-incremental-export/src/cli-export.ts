import { changesUnless, runTool } from '@rclone-b2/core';
import { EXPORT_TOOL, mainExport } from './main-export.js';

void runTool(EXPORT_TOOL, (argv, io) => mainExport(argv, io), { changes: changesUnless('-n', '--dry-run', '--dryrun') });
