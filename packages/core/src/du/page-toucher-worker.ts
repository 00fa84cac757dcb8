import { parentPort, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { isToucherStart, PAGE, TOUCH_AHEAD, TOUCH_CONTROL, type ToucherTarget } from './page-toucher-job.js';

// The page-touching thread of page-toucher.ts: maps in the pages just ahead of where the
// reading thread writes, by an atomic add of 0 to one byte per page (the value never
// changes, so it cannot race with the reader's own writes), until told to stop.

if (parentPort !== null) {
  parentPort.once('message', (start: unknown) => {
    if (isToucherStart(start)) run(start.control, start.targets);
  });
}

function run(control: Int32Array, targets: MessagePort): void {
  const arrays: Array<Uint8Array | undefined> = [];
  const touched: number[] = [];
  for (;;) {
    const generation = Atomics.load(control, TOUCH_CONTROL.generation);
    for (let m = receiveMessageOnPort(targets); m !== undefined; m = receiveMessageOnPort(targets)) {
      const target = m.message as ToucherTarget;
      arrays[target.slot] = new Uint8Array(target.buffer);
      touched[target.slot] = target.from;
    }
    if (Atomics.load(control, TOUCH_CONTROL.stop) !== 0) return;
    let worked = false;
    for (let slot = 0; slot < arrays.length; slot += 1) {
      const bytes = arrays[slot];
      if (bytes === undefined) continue;
      const filled = Atomics.load(control, TOUCH_CONTROL.filled + slot);
      const limit = Math.min(bytes.length, filled + TOUCH_AHEAD);
      // A slice at a time, so every column keeps ahead of its writer.
      const stop = Math.min(limit, (touched[slot] as number) + TOUCH_AHEAD / 4);
      let p = touched[slot] as number;
      for (; p < stop; p += PAGE) Atomics.add(bytes, p, 0);
      if (p > (touched[slot] as number)) {
        worked = true;
        touched[slot] = p;
        Atomics.store(control, TOUCH_CONTROL.touched + slot, p);
      }
    }
    if (!worked) {
      // Said before waiting, so the reader wakes it only then (a wake-up costs a system call).
      Atomics.store(control, TOUCH_CONTROL.sleeping, 1);
      Atomics.wait(control, TOUCH_CONTROL.generation, generation, 100);
      Atomics.store(control, TOUCH_CONTROL.sleeping, 0);
    }
  }
}
