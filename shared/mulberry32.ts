/**
 * mulberry32, Tommy Ettinger's small 32-bit generator
 * (https://gist.github.com/tommyettinger/46a874533244883189143505d203312c): uniform numbers in [0, 1) from a
 * uint32 seed. The same seed gives the same sequence on every platform, which the uniform baseline, training's
 * determinism and seeded tests depend on; changing a line here changes all of their outputs.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
