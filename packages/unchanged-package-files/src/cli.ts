import { runTool } from '@rclone-b2/core';
import { main } from './main.js';

await runTool('unchanged-package-files', main);
