/** seededRandom's draws, one at a time or (fill) many into a typed array. */
export interface SeededRandom {
  (): number;
  /** The next out.length draws, in order, into out: no number returned per draw (a heap number each where the call is not inlined). */
  fill(out: Float64Array): void;
}

/**
 * A small seeded PRNG (mulberry32): repeatable sampling, fault injection and test data,
 * so a failure can be reproduced from its seed. Not for anything secret.
 */
export function seededRandom(seed: number): SeededRandom {
  // The state in a typed array, not a closure variable: a uint32 past 2^30 is no small
  // integer, and each store of one into a closure made a heap number (16 bytes a draw;
  // verify draws once per file of the backup). A Uint32Array wraps mod 2^32 like `>>> 0`.
  const state = new Uint32Array([seed >>> 0]);
  const next = (): number => draw(state);
  const fill = (out: Float64Array): void => {
    for (let i = 0; i < out.length; i++) out[i] = draw(state);
  };
  return Object.assign(next, { fill });
}

function draw(state: Uint32Array): number {
  state[0] = (state[0] as number) + 0x6d2b79f5;
  let t = state[0] as number;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
