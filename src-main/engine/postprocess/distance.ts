const BIG = 1e20

/** 1-D squared distance transform of sampled function f (Felzenszwalb & Huttenlocher 2012). */
function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0
  v[0] = 0
  z[0] = -Infinity
  z[1] = Infinity
  for (let q = 1; q < n; q++) {
    if (f[q] >= BIG && f[v[k]] >= BIG) continue
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k])
    while (s <= z[k]) {
      k--
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k])
    }
    k++
    v[k] = q
    z[k] = s
    z[k + 1] = Infinity
  }
  k = 0
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++
    const dq = q - v[k]
    d[q] = f[v[k]] >= BIG ? BIG : dq * dq + f[v[k]]
  }
}

/**
 * Exact Euclidean distance from every foreground pixel to the nearest background pixel
 * (0 on the background). Outside the image counts as background only with `borderIsBackground`.
 */
export function distanceTransform(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  borderIsBackground = false
): Float32Array {
  const pad = borderIsBackground ? 1 : 0
  const w = width + 2 * pad
  const h = height + 2 * pad
  const grid = new Float64Array(w * h)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const ix = x - pad
      const iy = y - pad
      const inside = ix >= 0 && iy >= 0 && ix < width && iy < height
      grid[y * w + x] = inside && mask[iy * width + ix] ? BIG : 0
    }
  }
  const n = Math.max(w, h)
  const f = new Float64Array(n)
  const d = new Float64Array(n)
  const v = new Int32Array(n)
  const z = new Float64Array(n + 1)
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) f[y] = grid[y * w + x]
    edt1d(f, h, d, v, z)
    for (let y = 0; y < h; y++) grid[y * w + x] = d[y]
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) f[x] = grid[y * w + x]
    edt1d(f, w, d, v, z)
    for (let x = 0; x < w; x++) grid[y * w + x] = d[x]
  }
  const out = new Float32Array(width * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const g = grid[(y + pad) * w + x + pad]
      out[y * width + x] = g >= BIG ? Math.sqrt(width * width + height * height) : Math.sqrt(g)
    }
  }
  return out
}
