import { runTool } from '@rclone-b2/core';
import { main, VERSION } from './main.js';

await runTool('encrypted-cleanup', main, { version: VERSION });
