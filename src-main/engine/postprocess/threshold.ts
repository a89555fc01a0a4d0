/** Binary mask (0/1): 1 where the probability is at least `threshold`. */
export function thresholdMap(probs: ArrayLike<number>, threshold = 0.5): Uint8Array {
  const out = new Uint8Array(probs.length)
  for (let i = 0; i < out.length; i++) out[i] = probs[i] >= threshold ? 1 : 0
  return out
}

/** Class index per pixel (argmax over `channels` interleaved class scores). */
export function argmaxClasses(scores: ArrayLike<number>, channels: number): Uint8Array {
  const n = scores.length / channels
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    let bestScore = scores[i * channels]
    for (let c = 1; c < channels; c++) {
      const s = scores[i * channels + c]
      if (s > bestScore) {
        best = c
        bestScore = s
      }
    }
    out[i] = best
  }
  return out
}

/** One channel of an interleaved multi-channel map. */
export function channelOf(scores: ArrayLike<number>, channels: number, c: number): Float32Array {
  const n = scores.length / channels
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = scores[i * channels + c]
  return out
}
