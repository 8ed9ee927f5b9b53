/** A small deterministic generator of 24-bit integers: the same sequence for a seed on every
 *  run, so a failure can be replayed. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 8;
  };
}
