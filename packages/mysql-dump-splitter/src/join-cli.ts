import { runTool } from '@rclone-b2/core';
import { joinMain, JOIN_TOOL } from './join-main.js';

void runTool(JOIN_TOOL, joinMain);
