import { changesUnless, runTool } from '@rclone-b2/core';
import { IMPORT_TOOL, mainImport } from './main-import.js';

void runTool(IMPORT_TOOL, mainImport, { changes: changesUnless('-n', '--dry-run', '--dryrun') });
