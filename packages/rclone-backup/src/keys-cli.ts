import { runTool } from '@rclone-b2/core';
import { keysMain } from './keys-main.js';

// only --apply changes anything (it creates keys)
void runTool('rclone-backup-keys', keysMain, { changes: (argv) => argv.includes('--apply') });
