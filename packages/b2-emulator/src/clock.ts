/** The emulator's notion of "now": real time plus an offset tests can move. */
export interface EmulatorClock {
  /** Milliseconds since the epoch, used for uploadTimestamp and token expiry. */
  now(): number;
  /** From now on the clock reads `ms` (and keeps ticking with real time unless frozen). */
  set(ms: number): void;
  /** Moves the clock forward (or back, with a negative value). */
  advance(ms: number): void;
  /** Stops (true) or restarts (false) the clock ticking with real time. */
  freeze(frozen?: boolean): void;
}

export function createClock(start?: number, realNow: () => number = Date.now): EmulatorClock {
  let offset = start === undefined ? 0 : start - realNow();
  let frozenAt: number | undefined;
  const now = (): number => frozenAt ?? realNow() + offset;
  return {
    now,
    set(ms) {
      if (frozenAt !== undefined) frozenAt = ms;
      else offset = ms - realNow();
    },
    advance(ms) {
      if (frozenAt !== undefined) frozenAt += ms;
      else offset += ms;
    },
    freeze(frozen = true) {
      if (frozen && frozenAt === undefined) frozenAt = now();
      if (!frozen && frozenAt !== undefined) {
        offset = frozenAt - realNow();
        frozenAt = undefined;
      }
    },
  };
}
