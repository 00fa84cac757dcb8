import { runTool } from '@rclone-b2/core';
import { joinMain, JOIN_TOOL, JOIN_VERSION } from './join-main.js';

await runTool(JOIN_TOOL, joinMain, { version: JOIN_VERSION });
