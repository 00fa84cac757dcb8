import { runTool } from '@rclone-b2/core';
import { main, VERSION } from './main.js';

await runTool('b2-recover', main, { version: VERSION });
