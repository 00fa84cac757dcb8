import { runInMemory } from '@rclone-b2/core/testing';
import { main } from '../../src/main.js';

/** Runs the tool in-process; `out` is the list (or the JSON summary), `err` the messages. */
export const runTool = (argv: string[]) => runInMemory('unchanged-package-files', main, argv);

/** The excluded paths of a `--syntax paths` run. */
export const listed = (out: string): string[] => out.split('\n').filter((line) => line !== '');
