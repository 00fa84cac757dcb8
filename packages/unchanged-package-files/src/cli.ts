import { runTool } from '@rclone-b2/core';
import { main } from './main.js';

void runTool('unchanged-package-files', main);
