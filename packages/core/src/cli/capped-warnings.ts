/**
 * Keeps a stream of similar warnings (one per bad input line) readable: the first `limit`
 * are passed on, the rest only counted, and `finish` prints one line saying how many.
 */
export interface CappedWarnings {
  warn(message: string): void;
  /** Prints `summary(hidden)` when some were held back; returns how many were. */
  finish(): number;
}

export function cappedWarnings(emit: (message: string) => void, limit: number, summary: (hidden: number) => string): CappedWarnings {
  let seen = 0;
  return {
    warn(message) {
      seen += 1;
      if (seen <= limit) emit(message);
    },
    finish() {
      const hidden = Math.max(0, seen - limit);
      if (hidden > 0) emit(summary(hidden));
      seen = 0;
      return hidden;
    },
  };
}
