import { describe, expect, it } from 'vitest';
import { linkPathOf } from '../src/rclone/links.js';

describe('linkPathOf (rclone --links objects)', () => {
  it.each([
    ['x.rclonelink', 'x'],
    ['dir/x y.rclonelink', 'dir/x y'],
    ['x.rclonelink.rclonelink', 'x.rclonelink'],
    ['.hidden.rclonelink', '.hidden'],
    ['x.txt', undefined],
    ['x.rclonelink-v1', undefined],
    ['.rclonelink', undefined],
    ['dir/.rclonelink', undefined],
    ['dir/..rclonelink', undefined],
    ['...rclonelink', undefined],
  ])('%j → %j', (object, link) => expect(linkPathOf(object)).toBe(link));
});
