// Winograd F(4x4, 3x3) convolution (stride 1, 'same' padding, NHWC) for wasm SIMD, after Lavin &
// Gray, "Fast Algorithms for Convolutional Neural Networks" (2016). Each 4x4 output tile comes
// from a 6x6 input tile: Y = A^T [(G g G^T) . (B^T d B)] A, so the 36 element-wise products
// become 36 GEMMs over channels with 2.25 multiply-adds per output instead of 9.
//   V[xi][t][c]  = (B^T d_t B)[xi]            input transform, tiles t, input channels c
//   U[xi][k/8][c][k%8] = (G g_ck G^T)[xi]      filter transform, packed in panels of 8 outputs
//   M[xi][t][k]  = sum_c V[xi][t][c] U[xi][c][k]
//   y_t          = A^T M_t A (+ bias, ReLU)
// The filter gradient uses the same transforms backwards: dU[xi] = V[xi]^T (A dY_t A^T)[xi],
// dW = G^T dU G. Channels are vectorised 4 at a time (NHWC keeps them contiguous); threads take
// disjoint ranges of tiles, of xi, or of channels. No static data; the stack holds only small
// arrays, and each thread has its own stack region (see native-module.ts).
#include <wasm_simd128.h>

#include "tile4x8.h"

typedef v128_t f4;
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define K4(v) wasm_f32x4_splat(v)

static inline f4 ld(const float *p) { return wasm_v128_load(p); }
static inline void st(float *p, f4 v) { wasm_v128_store(p, v); }

// B^T applied to 6 values spaced `s` floats apart, written 6 values spaced `s` apart.
static inline void bt6(const f4 *d, int s, f4 *r) {
  const f4 four = K4(4.f), five = K4(5.f), two = K4(2.f);
  f4 d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s], d4 = d[4 * s], d5 = d[5 * s];
  r[0] = ADD(SUB(MUL(four, d0), MUL(five, d2)), d4);
  f4 a = SUB(ADD(d3, d4), MUL(four, ADD(d1, d2)));
  f4 b = ADD(SUB(d4, d3), MUL(four, SUB(d1, d2)));
  r[s] = a;
  r[2 * s] = b;
  f4 c = SUB(d4, d2), e = MUL(two, SUB(d3, d1));
  r[3 * s] = ADD(c, e);
  r[4 * s] = SUB(c, e);
  r[5 * s] = ADD(SUB(MUL(four, d1), MUL(five, d3)), d5);
}

// A^T applied to 6 values spaced `s` apart, giving 4 values spaced `s` apart.
static inline void at6(const f4 *m, int s, f4 *o) {
  f4 m1 = m[s], m2 = m[2 * s], m3 = m[3 * s], m4 = m[4 * s];
  f4 p12 = ADD(m1, m2), d12 = SUB(m1, m2), p34 = ADD(m3, m4), d34 = SUB(m3, m4);
  o[0] = ADD(ADD(m[0], p12), p34);
  o[s] = ADD(d12, MUL(K4(2.f), d34));
  o[2 * s] = ADD(p12, MUL(K4(4.f), p34));
  o[3 * s] = ADD(ADD(d12, MUL(K4(8.f), d34)), m[5 * s]);
}

// A applied to 4 values spaced `s` apart, giving 6 values spaced `s` apart (gradient side).
static inline void a4(const f4 *y, int s, f4 *q) {
  f4 y0 = y[0], y1 = y[s], y2 = y[2 * s], y3 = y[3 * s];
  f4 e = ADD(y0, y2), o = ADD(y1, y3);
  f4 e4 = ADD(y0, MUL(K4(4.f), y2)), o8 = ADD(MUL(K4(2.f), y1), MUL(K4(8.f), y3));
  q[0] = y0;
  q[s] = ADD(e, o);
  q[2 * s] = SUB(e, o);
  q[3 * s] = ADD(e4, o8);
  q[4 * s] = SUB(e4, o8);
  q[5 * s] = y3;
}

// G applied to 3 values spaced `s` apart, giving 6 values spaced `s` apart.
static inline void g3(const f4 *w, int s, f4 *u) {
  f4 w0 = w[0], w1 = w[s], w2 = w[2 * s];
  f4 p = MUL(K4(-1.f / 6), ADD(w0, w2)), q = MUL(K4(1.f / 6), w1);
  f4 r = ADD(MUL(K4(1.f / 24), w0), MUL(K4(1.f / 6), w2)), v = MUL(K4(1.f / 12), w1);
  u[0] = MUL(K4(0.25f), w0);
  u[s] = SUB(p, q);
  u[2 * s] = ADD(p, q);
  u[3 * s] = ADD(r, v);
  u[4 * s] = SUB(r, v);
  u[5 * s] = w2;
}

// G^T applied to 6 values spaced `s` apart, giving 3 values spaced `s` apart.
static inline void gt6(const f4 *u, int s, f4 *w) {
  f4 u1 = u[s], u2 = u[2 * s], u3 = u[3 * s], u4 = u[4 * s];
  f4 p12 = ADD(u1, u2), p34 = ADD(u3, u4);
  w[0] = ADD(MUL(K4(0.25f), u[0]), ADD(MUL(K4(-1.f / 6), p12), MUL(K4(1.f / 24), p34)));
  w[s] = ADD(MUL(K4(1.f / 6), SUB(u2, u1)), MUL(K4(1.f / 12), SUB(u3, u4)));
  w[2 * s] = ADD(ADD(MUL(K4(-1.f / 6), p12), MUL(K4(1.f / 6), p34)), u[5 * s]);
}

// Input transform of tiles [t0, t1) into rows 0.. of V (row stride c, plane stride `plane`);
// tiles past the last real one (t >= n * th * tw) are written as zeros.
static void input_block(const float *x, float *V, long plane, int n, int h, int w, int c, int th,
                        int tw, int t0, int t1) {
  const int per_image = th * tw, tiles = n * per_image;
  f4 d[36], r[36];
  for (int t = t0; t < t1; t++) {
    float *v = V + (long)(t - t0) * c;
    if (t >= tiles) {
      for (int xi = 0; xi < 36; xi++)
        for (int k = 0; k < c; k += 4) st(v + xi * plane + k, K4(0));
      continue;
    }
    const int img = t / per_image, ty = (t % per_image) / tw, tx = t % tw;
    const int y0 = ty * 4 - 1, x0 = tx * 4 - 1;
    const float *base = x + (long)img * h * w * c;
    for (int k = 0; k < c; k += 4) {
      for (int i = 0; i < 6; i++) {
        const int yy = y0 + i;
        for (int j = 0; j < 6; j++) {
          const int xx = x0 + j;
          d[i * 6 + j] = (yy >= 0 && yy < h && xx >= 0 && xx < w)
                             ? ld(base + ((long)yy * w + xx) * c + k)
                             : K4(0);
        }
      }
      for (int j = 0; j < 6; j++) bt6(d + j, 6, r + j);
      for (int i = 0; i < 6; i++) bt6(r + i * 6, 1, d + i * 6);
      for (int xi = 0; xi < 36; xi++) st(v + xi * plane + k, d[xi]);
    }
  }
}

// Input transform of tiles [t0, t1) for C channels (C % 4 == 0): V[xi][t][c], tpad rows a plane.
__attribute__((export_name("wino_input"))) void wino_input(const float *x, float *V, int n,
                                                           int h, int w, int c, int th, int tw,
                                                           int tpad, int t0, int t1) {
  input_block(x, V + (long)t0 * c, (long)tpad * c, n, h, w, c, th, tw, t0, t1);
}

// Filter transform of input channels [c0, c1): g is HWIO [3][3][c][k] (k % 8 == 0), U packed
// [xi][k/8][c][8].
__attribute__((export_name("wino_filter"))) void wino_filter(const float *g, float *U, int c,
                                                             int k, int c0, int c1) {
  const long plane = (long)c * k;
  f4 wv[9], t[18], u[36];
  for (int ci = c0; ci < c1; ci++) {
    for (int co = 0; co < k; co += 4) {
      for (int tap = 0; tap < 9; tap++) wv[tap] = ld(g + ((long)tap * c + ci) * k + co);
      for (int j = 0; j < 3; j++) g3(wv + j, 3, t + j);
      for (int i = 0; i < 6; i++) g3(t + i * 3, 1, u + i * 6);
      float *dst = U + (long)(co / 8) * c * 8 + ci * 8 + co % 8;
      for (int xi = 0; xi < 36; xi++) st(dst + xi * plane, u[xi]);
    }
  }
}

// Writes the filter of the input gradient, g'[kh][kw][co][ci] = g[2-kh][2-kw][ci][co], for
// rows co in [r0, r1) of g' (g is [3][3][ci][co] with ci = c, co = k), in 16 x 16 blocks so
// both sides stay in cache.
__attribute__((export_name("wino_flip"))) void wino_flip(const float *g, float *out, int c,
                                                         int k, int r0, int r1) {
  for (int tap = 0; tap < 9; tap++) {
    const float *src = g + (long)(8 - tap) * c * k;
    float *dst = out + (long)tap * k * c;
    for (int co0 = r0; co0 < r1; co0 += 16) {
      const int co1 = co0 + 16 < r1 ? co0 + 16 : r1;
      for (int ci0 = 0; ci0 < c; ci0 += 16) {
        const int ci1 = ci0 + 16 < c ? ci0 + 16 : c;
        for (int co = co0; co < co1; co++)
          for (int ci = ci0; ci < ci1; ci++) dst[(long)co * c + ci] = src[(long)ci * k + co];
      }
    }
  }
}

// 4 tiles x 8 outputs over channels [c0, c1): acc = V rows x U panel (8 wide).
static inline void micro4x8(const float *v, int c, const float *u, int c0, int c1, float *m,
                            int k, int accumulate) {
  f4 a00 = K4(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  const float *v0 = v, *v1 = v + c, *v2 = v + 2 * c, *v3 = v + 3 * c;
  for (int i = c0; i < c1; i++) {
    f4 b0 = ld(u + i * 8), b1 = ld(u + i * 8 + 4);
    f4 s0 = wasm_v128_load32_splat(v0 + i), s1 = wasm_v128_load32_splat(v1 + i);
    f4 s2 = wasm_v128_load32_splat(v2 + i), s3 = wasm_v128_load32_splat(v3 + i);
    a00 = MADD(a00, s0, b0);
    a01 = MADD(a01, s0, b1);
    a10 = MADD(a10, s1, b0);
    a11 = MADD(a11, s1, b1);
    a20 = MADD(a20, s2, b0);
    a21 = MADD(a21, s2, b1);
    a30 = MADD(a30, s3, b0);
    a31 = MADD(a31, s3, b1);
  }
  float *m0 = m, *m1 = m + k, *m2 = m + 2 * k, *m3 = m + 3 * k;
  if (accumulate) {
    a00 = ADD(a00, ld(m0)), a01 = ADD(a01, ld(m0 + 4));
    a10 = ADD(a10, ld(m1)), a11 = ADD(a11, ld(m1 + 4));
    a20 = ADD(a20, ld(m2)), a21 = ADD(a21, ld(m2 + 4));
    a30 = ADD(a30, ld(m3)), a31 = ADD(a31, ld(m3 + 4));
  }
  st(m0, a00), st(m0 + 4, a01), st(m1, a10), st(m1 + 4, a11);
  st(m2, a20), st(m2 + 4, a21), st(m3, a30), st(m3 + 4, a31);
}

// M[xi] = V[xi] U[xi] for xi in [x0, x1): rows x c times c x k (rows % 4 == 0, k % 8 == 0),
// blocked so a kc x nc block of U stays in cache while the rows stream past it.
static void gemm_block(const float *V, long vplane, const float *U, float *M, long mplane,
                       int rows, int c, int k, int kc, int nc, int x0, int x1) {
  for (int xi = x0; xi < x1; xi++) {
    const float *v = V + xi * vplane;
    const float *u = U + (long)xi * c * k;
    float *m = M + xi * mplane;
    for (int n0 = 0; n0 < k; n0 += nc) {
      const int n1 = n0 + nc < k ? n0 + nc : k;
      for (int i0 = 0; i0 < c; i0 += kc) {
        const int i1 = i0 + kc < c ? i0 + kc : c;
        for (int t = 0; t < rows; t += 4) {
          for (int p = n0; p < n1; p += 8) {
            micro4x8(v + (long)t * c, c, u + (long)p * c, i0, i1, m + (long)t * k + p, k,
                     i0 > 0);
          }
        }
      }
    }
  }
}

__attribute__((export_name("wino_gemm"))) void wino_gemm(const float *V, const float *U,
                                                         float *M, int tpad, int c, int k,
                                                         int kc, int nc, int x0, int x1) {
  gemm_block(V, (long)tpad * c, U, M, (long)tpad * k, tpad, c, k, kc, nc, x0, x1);
}

// Output transform of tiles [t0, t1) from rows 0.. of M: y (NHWC, k channels) = A^T M_t A, plus
// bias (if not null), clamped at 0 if relu.
static void output_block(const float *M, long plane, float *y, const float *bias, int relu, int n,
                         int h, int w, int k, int th, int tw, int t0, int t1) {
  const int per_image = th * tw;
  f4 m[36], r[24], o[16];
  for (int t = t0; t < t1; t++) {
    const int img = t / per_image, ty = (t % per_image) / tw, tx = t % tw;
    const int y0 = ty * 4, x0 = tx * 4;
    const int rows = h - y0 < 4 ? h - y0 : 4, cols = w - x0 < 4 ? w - x0 : 4;
    float *base = y + (long)img * h * w * k;
    const float *src = M + (long)(t - t0) * k;
    for (int kk = 0; kk < k; kk += 4) {
      for (int xi = 0; xi < 36; xi++) m[xi] = ld(src + xi * plane + kk);
      for (int j = 0; j < 6; j++) at6(m + j, 6, r + j);
      for (int i = 0; i < 4; i++) at6(r + i * 6, 1, o + i * 4);
      const f4 b = bias ? ld(bias + kk) : K4(0);
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          f4 v = ADD(o[i * 4 + j], b);
          if (relu) v = wasm_f32x4_pmax(v, K4(0));
          st(base + ((long)(y0 + i) * w + x0 + j) * k + kk, v);
        }
      }
    }
  }
}

__attribute__((export_name("wino_output"))) void wino_output(const float *M, float *y,
                                                             const float *bias, int relu,
                                                             int n, int h, int w, int k, int th,
                                                             int tw, int tpad, int t0, int t1) {
  output_block(M + (long)t0 * k, (long)tpad * k, y, bias, relu, n, h, w, k, th, tw, t0, t1);
}

// Whole convolution of tiles [t0, t1) in blocks of tb tiles (tb % 4 == 0) that stay in cache:
// input transform, 36 GEMMs, output transform. Each part (thread) uses its own scratch of
// 36 * tb * (c + k) floats at scratch + part * 36 * tb * (c + k).
__attribute__((export_name("wino_fused"))) void wino_fused(
    const float *x, const float *U, float *y, const float *bias, int relu, int n, int h, int w,
    int c, int k, int th, int tw, int tb, int kc, int nc, float *scratch, int t0, int t1,
    int part) {
  float *V = scratch + (long)part * 36 * tb * (c + k);
  float *M = V + (long)36 * tb * c;
  for (int b0 = t0; b0 < t1; b0 += tb) {
    const int b1 = b0 + tb < t1 ? b0 + tb : t1;
    const int rows = (b1 - b0 + 3) / 4 * 4;
    input_block(x, V, (long)tb * c, n, h, w, c, th, tw, b0, b0 + rows);
    gemm_block(V, (long)tb * c, U, M, (long)tb * k, rows, c, k, kc, nc, 0, 36);
    output_block(M, (long)tb * k, y, bias, relu, n, h, w, k, th, tw, b0, b1);
  }
}

// Gradient-side transform of tiles [t0, t1) into rows 0.. of Q: Q[xi][t][k] = (A dY_t A^T)[xi],
// dY_t the 4x4 tile of dy (zero outside the image; tiles past the last are zeros).
static void dy_block(const float *dy, float *Q, long plane, int n, int h, int w, int k, int th,
                     int tw, int t0, int t1) {
  const int per_image = th * tw, tiles = n * per_image;
  f4 d[16], r[24], q[36];
  for (int t = t0; t < t1; t++) {
    float *dst = Q + (long)(t - t0) * k;
    if (t >= tiles) {
      for (int xi = 0; xi < 36; xi++)
        for (int kk = 0; kk < k; kk += 4) st(dst + xi * plane + kk, K4(0));
      continue;
    }
    const int img = t / per_image, ty = (t % per_image) / tw, tx = t % tw;
    const int y0 = ty * 4, x0 = tx * 4;
    const float *base = dy + (long)img * h * w * k;
    for (int kk = 0; kk < k; kk += 4) {
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          const int yy = y0 + i, xx = x0 + j;
          d[i * 4 + j] = (yy < h && xx < w) ? ld(base + ((long)yy * w + xx) * k + kk) : K4(0);
        }
      }
      for (int j = 0; j < 4; j++) a4(d + j, 4, r + j);
      for (int i = 0; i < 6; i++) a4(r + i * 4, 1, q + i * 6);
      for (int xi = 0; xi < 36; xi++) st(dst + xi * plane + kk, q[xi]);
    }
  }
}

__attribute__((export_name("wino_dy"))) void wino_dy(const float *dy, float *Q, int n, int h,
                                                     int w, int k, int th, int tw, int tpad,
                                                     int t0, int t1) {
  dy_block(dy, Q + (long)t0 * k, (long)tpad * k, n, h, w, k, th, tw, t0, t1);
}

// dU[xi] += V[xi]^T Q[xi] (c x k) over `rows` tiles for xi in [x0, x1), blocked over input
// channels (mc), outputs (nc) and tiles (kt) so each block stays in cache.
static void grad_block(const float *V, long vplane, const float *Q, long qplane, float *dU,
                       int rows, int c, int k, int mc, int nc, int kt, int x0, int x1) {
  for (int xi = x0; xi < x1; xi++) {
    const float *v = V + xi * vplane;
    const float *q = Q + xi * qplane;
    float *du = dU + (long)xi * c * k;
    for (int i0 = 0; i0 < c; i0 += mc) {
      const int i1 = i0 + mc < c ? i0 + mc : c;
      for (int o0 = 0; o0 < k; o0 += nc) {
        const int o1 = o0 + nc < k ? o0 + nc : k;
        for (int s0 = 0; s0 < rows; s0 += kt) {
          const int s1 = s0 + kt < rows ? s0 + kt : rows;
          for (int i = i0; i < i1; i += 4)
            for (int o = o0; o < o1; o += 8)
              tile4x8(v + i, q + o, du + (long)i * k + o, s0, s1, c, k);
        }
      }
    }
  }
}

__attribute__((export_name("wino_grad_gemm"))) void wino_grad_gemm(
    const float *V, const float *Q, float *dU, int tpad, int c, int k, int mc, int nc, int kt,
    int x0, int x1) {
  grad_block(V, (long)tpad * c, Q, (long)tpad * k, dU, tpad, c, k, mc, nc, kt, x0, x1);
}

// Filter gradient of tiles [t0, t1) in blocks of tb tiles that stay in cache, summed into this
// part's own dU at dU + part * 36 * c * k (zeroed by the caller); scratch as in wino_fused.
__attribute__((export_name("wino_fused_grad"))) void wino_fused_grad(
    const float *x, const float *dy, float *dU, int n, int h, int w, int c, int k, int th,
    int tw, int tb, int mc, int nc, float *scratch, int t0, int t1, int part) {
  float *V = scratch + (long)part * 36 * tb * (c + k);
  float *Q = V + (long)36 * tb * c;
  float *du = dU + (long)part * 36 * c * k;
  for (int b0 = t0; b0 < t1; b0 += tb) {
    const int b1 = b0 + tb < t1 ? b0 + tb : t1;
    input_block(x, V, (long)tb * c, n, h, w, c, th, tw, b0, b1);
    dy_block(dy, Q, (long)tb * k, n, h, w, k, th, tw, b0, b1);
    grad_block(V, (long)tb * c, Q, (long)tb * k, du, b1 - b0, c, k, mc, nc, tb, 0, 36);
  }
}

// dW[kh][kw][ci][k] = (G^T dU G)[kh][kw] for input channels [c0, c1); dU is the sum of `parts`
// arrays [xi][c][k] one after the other.
__attribute__((export_name("wino_filter_grad_out"))) void wino_filter_grad_out(
    const float *dU, int parts, float *dW, int c, int k, int c0, int c1) {
  const long plane = (long)c * k, stride = 36 * plane;
  f4 u[36], r[18], g[9];
  for (int ci = c0; ci < c1; ci++) {
    for (int kk = 0; kk < k; kk += 4) {
      const float *src = dU + (long)ci * k + kk;
      for (int xi = 0; xi < 36; xi++) {
        f4 sum = ld(src + xi * plane);
        for (int p = 1; p < parts; p++) sum = ADD(sum, ld(src + p * stride + xi * plane));
        u[xi] = sum;
      }
      for (int j = 0; j < 6; j++) gt6(u + j, 6, r + j);
      for (int i = 0; i < 3; i++) gt6(r + i * 6, 1, g + i * 3);
      for (int tap = 0; tap < 9; tap++) st(dW + ((long)tap * c + ci) * k + kk, g[tap]);
    }
  }
}

// Zeroes floats [i0, i1) of p (multiples of 4).
__attribute__((export_name("wino_zero"))) void wino_zero(float *p, int i0, int i1) {
  for (int i = i0; i < i1; i += 4) st(p + i, K4(0));
}
