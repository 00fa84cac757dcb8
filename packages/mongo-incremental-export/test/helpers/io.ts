import { memoryIO as coreMemoryIO, type MemoryIO } from '@rclone-b2/core/testing';

export type { MemoryIO };

export function memoryIO(cwd = '/'): MemoryIO {
  return coreMemoryIO({ cwd });
}
