import { runTool } from '@rclone-b2/core';
import { main } from './main.js';

const stop = new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
void runTool('b2-emulator', (argv, io) => main(argv, io, stop), { ownSignals: true });
