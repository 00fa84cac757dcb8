import { runTool } from '@rclone-b2/core';
import { main, TOOL, VERSION } from './main.js';

await runTool(TOOL, main, { version: VERSION });
