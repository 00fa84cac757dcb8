import { runTool } from '@rclone-b2/core';
import { IMPORT_TOOL, IMPORT_VERSION, mainImport } from './main-import.js';

await runTool(IMPORT_TOOL, mainImport, { version: IMPORT_VERSION });
