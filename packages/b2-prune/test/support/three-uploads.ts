import { DAY, startHarness, type Harness } from 'b2-emulator/test-helpers';

export const T0 = Date.UTC(2024, 0, 1);

/**
 * A bucket written by real rclone: `a.txt` and `dir/b.bin` uploaded three times, 400 days
 * apart (`dir/b.bin` is its content repeated `repeat` times), so a prune has old versions to
 * delete; `now` is 1200 days after the first upload.
 */
export async function threeUploads(repeat: number): Promise<{ h: Harness; now: string }> {
  const h = await startHarness({ start: T0 });
  for (const content of ['one', 'two, longer', 'three, the longest of all']) {
    const source = await h.writeTree('src', { 'a.txt': content, 'dir/b.bin': content.repeat(repeat) }, T0);
    await h.rclone(['copy', source, 'secret:']);
    h.emulator.clock.advance(400 * DAY);
  }
  return { h, now: new Date(T0 + 1200 * DAY).toISOString() };
}
