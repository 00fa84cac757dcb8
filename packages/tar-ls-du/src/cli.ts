import { runTool } from '@rclone-b2/core';
import { main } from './main.js';

void runTool('tar-ls-du', main);
