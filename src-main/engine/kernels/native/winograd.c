// Winograd convolutions F(4x4, 3x3) and F(6x6, 3x3) (stride 1, 'same' padding, NHWC) for wasm
// SIMD, after Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks" (2016). Each
// m x m output tile (m = 4 or 6) comes from an n x n input tile (n = m + 2):
// Y = A^T [(G g G^T) . (B^T d B)] A, so the n^2 element-wise products become n^2 GEMMs over
// channels: 2.25 (m = 4) or 1.78 (m = 6) multiply-adds per output instead of 9.
//   V[xi][t][c]  = (B^T d_t B)[xi]            input transform, tiles t, input channels c
//   U[xi][k/8][c][k%8] = (G g_ck G^T)[xi]      filter transform, packed in panels of 8 outputs
//   M[xi][t][k]  = sum_c V[xi][t][c] U[xi][c][k]
//   y_t          = A^T M_t A (+ bias, ReLU)
// xi = a * n + b, a along the rows (y), b along the columns (x). The filter gradient uses the same
// transforms backwards: dU[xi] = V[xi]^T (A dY_t A^T)[xi], dW = G^T dU G. F(6x6) uses the points
// 0, +-1, +-2, +-1/2 (as NNPACK does). Channels are vectorised 4 at a time (NHWC keeps them
// contiguous); threads take disjoint ranges of tiles, of xi, or of channels. No static data; the
// stack holds only small arrays, and each thread has its own stack region (see native-module.ts).
#include <wasm_simd128.h>

#include "tile4x8.h"

typedef v128_t f4;
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define K4(v) wasm_f32x4_splat(v)
// acc + k * v for a constant k (one fused multiply-add in the relaxed-SIMD build).
#define MAC(acc, k, v) MADD((acc), K4(k), (v))

static inline f4 ld(const float *p) { return wasm_v128_load(p); }
static inline void st(float *p, f4 v) { wasm_v128_store(p, v); }

// Stride in floats between the planes (xi) of V, M, Q, U and dU holding `floats` values each:
// rounded up to an odd number of 64-byte lines, so that the N * N planes a tile writes or reads
// together fall in different L1 sets (a multiple of 4 KB would put them all in one set).
static inline long pad_plane(long floats) {
  const long lines = (floats + 15) / 16;
  return (lines | 1) * 16;
}

// Each 1-D transform reads its values from d[0], d[s], d[2s], ... and writes r[0], r[t], ....

// F(4x4) B^T: 6 values to 6.
static inline void bt6(const f4 *d, int s, f4 *r, int t) {
  f4 d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s], d4 = d[4 * s], d5 = d[5 * s];
  r[0] = MAC(MAC(d4, 4.f, d0), -5.f, d2);
  r[t] = MAC(ADD(d3, d4), -4.f, ADD(d1, d2));
  r[2 * t] = MAC(SUB(d4, d3), 4.f, SUB(d1, d2));
  f4 c = SUB(d4, d2), e = MUL(K4(2.f), SUB(d3, d1));
  r[3 * t] = ADD(c, e);
  r[4 * t] = SUB(c, e);
  r[5 * t] = MAC(MAC(d5, 4.f, d1), -5.f, d3);
}

// F(4x4) A^T: 6 values to 4.
static inline void at6(const f4 *m, int s, f4 *o, int t) {
  f4 m1 = m[s], m2 = m[2 * s], m3 = m[3 * s], m4 = m[4 * s];
  f4 p12 = ADD(m1, m2), d12 = SUB(m1, m2), p34 = ADD(m3, m4), d34 = SUB(m3, m4);
  o[0] = ADD(ADD(m[0], p12), p34);
  o[t] = MAC(d12, 2.f, d34);
  o[2 * t] = MAC(p12, 4.f, p34);
  o[3 * t] = MAC(ADD(d12, m[5 * s]), 8.f, d34);
}

// F(4x4) A: 4 values to 6 (gradient side).
static inline void a4(const f4 *y, int s, f4 *q, int t) {
  f4 y0 = y[0], y1 = y[s], y2 = y[2 * s], y3 = y[3 * s];
  f4 e = ADD(y0, y2), o = ADD(y1, y3);
  f4 e4 = MAC(y0, 4.f, y2), o8 = MAC(MUL(K4(2.f), y1), 8.f, y3);
  q[0] = y0;
  q[t] = ADD(e, o);
  q[2 * t] = SUB(e, o);
  q[3 * t] = ADD(e4, o8);
  q[4 * t] = SUB(e4, o8);
  q[5 * t] = y3;
}

// F(4x4) G: 3 values to 6.
static inline void g3to6(const f4 *w, int s, f4 *u, int t) {
  f4 w0 = w[0], w1 = w[s], w2 = w[2 * s];
  f4 p = MUL(K4(-1.f / 6), ADD(w0, w2)), q = MUL(K4(1.f / 6), w1);
  f4 r = ADD(MUL(K4(1.f / 24), w0), MUL(K4(1.f / 6), w2)), v = MUL(K4(1.f / 12), w1);
  u[0] = MUL(K4(0.25f), w0);
  u[t] = SUB(p, q);
  u[2 * t] = ADD(p, q);
  u[3 * t] = ADD(r, v);
  u[4 * t] = SUB(r, v);
  u[5 * t] = w2;
}

// F(4x4) G^T: 6 values to 3.
static inline void gt6(const f4 *u, int s, f4 *w, int t) {
  f4 u1 = u[s], u2 = u[2 * s], u3 = u[3 * s], u4 = u[4 * s];
  f4 p12 = ADD(u1, u2), p34 = ADD(u3, u4);
  w[0] = ADD(MUL(K4(0.25f), u[0]), ADD(MUL(K4(-1.f / 6), p12), MUL(K4(1.f / 24), p34)));
  w[t] = ADD(MUL(K4(1.f / 6), SUB(u2, u1)), MUL(K4(1.f / 12), SUB(u3, u4)));
  w[2 * t] = ADD(ADD(MUL(K4(-1.f / 6), p12), MUL(K4(1.f / 6), p34)), u[5 * s]);
}

// F(6x6) B^T: 8 values to 8.
static inline void bt8(const f4 *d, int s, f4 *r, int t) {
  f4 d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s];
  f4 d4 = d[4 * s], d5 = d[5 * s], d6 = d[6 * s], d7 = d[7 * s];
  r[0] = MAC(SUB(d0, d6), 5.25f, SUB(d4, d2));
  r[7 * t] = MAC(SUB(d7, d1), 5.25f, SUB(d3, d5));
  f4 e = MAC(ADD(d2, d6), -4.25f, d4), o = MAC(ADD(d1, d5), -4.25f, d3);
  r[t] = ADD(e, o);
  r[2 * t] = SUB(e, o);
  e = MAC(MAC(d6, 0.25f, d2), -1.25f, d4);
  o = MAC(MAC(MUL(K4(0.5f), d1), -2.5f, d3), 2.f, d5);
  r[3 * t] = ADD(e, o);
  r[4 * t] = SUB(e, o);
  e = MAC(MAC(d6, 4.f, d2), -5.f, d4);
  o = MAC(MAC(MUL(K4(2.f), d1), -2.5f, d3), 0.5f, d5);
  r[5 * t] = ADD(e, o);
  r[6 * t] = SUB(e, o);
}

// F(6x6) A^T: 8 values to 6.
static inline void at8(const f4 *m, int s, f4 *o, int t) {
  f4 m1 = m[s], m2 = m[2 * s], m3 = m[3 * s], m4 = m[4 * s], m5 = m[5 * s], m6 = m[6 * s];
  f4 p1 = ADD(m1, m2), n1 = SUB(m1, m2), p2 = ADD(m3, m4), n2 = SUB(m3, m4);
  f4 p3 = ADD(m5, m6), n3 = SUB(m5, m6);
  o[0] = ADD(ADD(m[0], p1), ADD(p2, p3));
  o[t] = MAC(MAC(n1, 2.f, n2), 0.5f, n3);
  o[2 * t] = MAC(MAC(p1, 4.f, p2), 0.25f, p3);
  o[3 * t] = MAC(MAC(n1, 8.f, n2), 0.125f, n3);
  o[4 * t] = MAC(MAC(p1, 16.f, p2), 0.0625f, p3);
  o[5 * t] = MAC(MAC(ADD(n1, m[7 * s]), 32.f, n2), 0.03125f, n3);
}

// F(6x6) A: 6 values to 8 (gradient side).
static inline void a6(const f4 *y, int s, f4 *q, int t) {
  f4 y0 = y[0], y1 = y[s], y2 = y[2 * s], y3 = y[3 * s], y4 = y[4 * s], y5 = y[5 * s];
  f4 e = ADD(ADD(y0, y2), y4), o = ADD(ADD(y1, y3), y5);
  q[0] = y0;
  q[t] = ADD(e, o);
  q[2 * t] = SUB(e, o);
  e = MAC(MAC(y0, 4.f, y2), 16.f, y4);
  o = MAC(MAC(MUL(K4(2.f), y1), 8.f, y3), 32.f, y5);
  q[3 * t] = ADD(e, o);
  q[4 * t] = SUB(e, o);
  e = MAC(MAC(y0, 0.25f, y2), 0.0625f, y4);
  o = MAC(MAC(MUL(K4(0.5f), y1), 0.125f, y3), 0.03125f, y5);
  q[5 * t] = ADD(e, o);
  q[6 * t] = SUB(e, o);
  q[7 * t] = y5;
}

// F(6x6) G: 3 values to 8.
static inline void g3to8(const f4 *w, int s, f4 *u, int t) {
  f4 w0 = w[0], w1 = w[s], w2 = w[2 * s];
  f4 s02 = ADD(w0, w2);
  u[0] = w0;
  u[t] = MUL(K4(-2.f / 9), ADD(s02, w1));
  u[2 * t] = MUL(K4(-2.f / 9), SUB(s02, w1));
  f4 e = ADD(MUL(K4(1.f / 90), w0), MUL(K4(2.f / 45), w2)), o = MUL(K4(1.f / 45), w1);
  u[3 * t] = ADD(e, o);
  u[4 * t] = SUB(e, o);
  e = ADD(MUL(K4(32.f / 45), w0), MUL(K4(8.f / 45), w2));
  o = MUL(K4(16.f / 45), w1);
  u[5 * t] = ADD(e, o);
  u[6 * t] = SUB(e, o);
  u[7 * t] = w2;
}

// F(6x6) G^T: 8 values to 3.
static inline void gt8(const f4 *u, int s, f4 *w, int t) {
  f4 u1 = u[s], u2 = u[2 * s], u3 = u[3 * s], u4 = u[4 * s], u5 = u[5 * s], u6 = u[6 * s];
  f4 p1 = ADD(u1, u2), n1 = SUB(u1, u2), p2 = ADD(u3, u4), n2 = SUB(u3, u4);
  f4 p3 = ADD(u5, u6), n3 = SUB(u5, u6);
  w[0] = ADD(ADD(u[0], MUL(K4(-2.f / 9), p1)),
             ADD(MUL(K4(1.f / 90), p2), MUL(K4(32.f / 45), p3)));
  w[t] = ADD(MUL(K4(-2.f / 9), n1), ADD(MUL(K4(1.f / 45), n2), MUL(K4(16.f / 45), n3)));
  w[2 * t] = ADD(ADD(MUL(K4(-2.f / 9), p1), MUL(K4(2.f / 45), p2)),
                 ADD(MUL(K4(8.f / 45), p3), u[7 * s]));
}

// Input transform of tiles [t0, t1) into rows 0.. of V (row stride c, plane stride `plane`);
// tiles past the last real one (t >= n * th * tw) are written as zeros. Per tile and 4 channels:
// each row of the N x N window is loaded (rows and columns outside the image as zeros) and
// transformed along x, then each column along y and stored.
#define INPUT_BLOCK(NAME, N, M, BT)                                                            \
  static void NAME(const float *x, float *V, long plane, int n, int h, int w, int c, int th,   \
                   int tw, int t0, int t1) {                                                   \
    const int per_image = th * tw, tiles = n * per_image;                                      \
    const long rs = (long)w * c;                                                               \
    for (int t = t0; t < t1; t++) {                                                            \
      float *v = V + (long)(t - t0) * c;                                                       \
      if (t >= tiles) {                                                                        \
        for (int xi = 0; xi < N * N; xi++)                                                     \
          for (int k = 0; k < c; k += 4) st(v + xi * plane + k, K4(0));                        \
        continue;                                                                              \
      }                                                                                        \
      const int img = t / per_image, ty = (t % per_image) / tw, tx = t % tw;                   \
      const int y0 = ty * M - 1, x0 = tx * M - 1;                                              \
      const int ilo = y0 < 0 ? -y0 : 0, ihi = h - y0 < N ? h - y0 : N;                         \
      const int jlo = x0 < 0 ? -x0 : 0, jhi = w - x0 < N ? w - x0 : N;                         \
      const int full = jlo == 0 && jhi == N;                                                   \
      const long base = (long)img * h * w * c + (long)y0 * rs + (long)x0 * c;                  \
      for (int k = 0; k < c; k += 4) {                                                         \
        f4 r[N * N];                                                                           \
        for (int i = 0; i < N; i++) {                                                          \
          if (i < ilo || i >= ihi) {                                                           \
            for (int j = 0; j < N; j++) r[i * N + j] = K4(0);                                  \
            continue;                                                                          \
          }                                                                                    \
          const float *q = x + (base + i * rs + k);                                            \
          f4 d[N];                                                                             \
          if (full) {                                                                          \
            for (int j = 0; j < N; j++) d[j] = ld(q + j * c);                                  \
          } else {                                                                             \
            for (int j = 0; j < N; j++) d[j] = j >= jlo && j < jhi ? ld(q + j * c) : K4(0);    \
          }                                                                                    \
          BT(d, 1, r + i * N, 1);                                                              \
        }                                                                                      \
        for (int j = 0; j < N; j++) {                                                          \
          f4 col[N];                                                                           \
          BT(r + j, N, col, 1);                                                                \
          for (int i = 0; i < N; i++) st(v + (i * N + j) * plane + k, col[i]);                 \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }
INPUT_BLOCK(input_block4, 6, 4, bt6)
INPUT_BLOCK(input_block6, 8, 6, bt8)

static void input_block(const float *x, float *V, long plane, int n, int h, int w, int c, int th,
                        int tw, int m, int t0, int t1) {
  if (m == 6) input_block6(x, V, plane, n, h, w, c, th, tw, t0, t1);
  else input_block4(x, V, plane, n, h, w, c, th, tw, t0, t1);
}

// Input transform of tiles [t0, t1) for C channels (C % 4 == 0): V[xi][t][c], tpad rows a plane.
__attribute__((export_name("wino_input"))) void wino_input(const float *x, float *V, int n,
                                                           int h, int w, int c, int th, int tw,
                                                           int tpad, int m, int t0, int t1) {
  input_block(x, V + (long)t0 * c, pad_plane((long)tpad * c), n, h, w, c, th, tw, m, t0, t1);
}

// Filter transform of input channels [c0, c1): g is HWIO [3][3][c][k] (k % 8 == 0), U packed
// [xi][k/8][c][8]. Panels of 8 outputs outside, input channels inside, so that each plane of U
// is written in order (not N * N * k / 8 places at once, which thrashes the TLB on deep layers).
#define FILTER(NAME, N, G)                                                                     \
  static void NAME(const float *g, float *U, int c, int k, int c0, int c1) {                   \
    const long plane = pad_plane((long)c * k);                                                 \
    f4 wv[9], t[N * 3], u[N * N];                                                              \
    for (int co = 0; co < k; co += 4) {                                                        \
      for (int ci = c0; ci < c1; ci++) {                                                       \
        for (int tap = 0; tap < 9; tap++) wv[tap] = ld(g + ((long)tap * c + ci) * k + co);     \
        for (int j = 0; j < 3; j++) G(wv + j, 3, t + j, 3);                                    \
        for (int i = 0; i < N; i++) G(t + i * 3, 1, u + i * N, 1);                             \
        float *dst = U + (long)(co / 8) * c * 8 + ci * 8 + co % 8;                             \
        for (int xi = 0; xi < N * N; xi++) st(dst + xi * plane, u[xi]);                        \
      }                                                                                        \
    }                                                                                          \
  }
FILTER(filter4, 6, g3to6)
FILTER(filter6, 8, g3to8)

__attribute__((export_name("wino_filter"))) void wino_filter(const float *g, float *U, int c,
                                                             int k, int m, int c0, int c1) {
  if (m == 6) filter6(g, U, c, k, c0, c1);
  else filter4(g, U, c, k, c0, c1);
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
    const float *u = U + xi * pad_plane((long)c * k);
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
  gemm_block(V, pad_plane((long)tpad * c), U, M, pad_plane((long)tpad * k), tpad, c, k, kc, nc,
             x0, x1);
}

// Output transform of tiles [t0, t1) from rows 0.. of M: y (NHWC, k channels) = A^T M_t A, plus
// bias (if not null), clamped at 0 if relu. Per tile and 4 channels: each column of the N x N
// tile is loaded and transformed along y, then each of its rows along x and stored (rows and
// columns past the image's edge dropped).
#define OUTPUT_BLOCK(NAME, N, M, AT)                                                           \
  static void NAME(const float *src0, long plane, float *y, const float *bias, int relu, int n, \
                   int h, int w, int k, int th, int tw, int t0, int t1) {                      \
    const int per_image = th * tw;                                                             \
    for (int t = t0; t < t1; t++) {                                                            \
      const int img = t / per_image, ty = (t % per_image) / tw, tx = t % tw;                   \
      const int y0 = ty * M, x0 = tx * M;                                                      \
      const int rows = h - y0 < M ? h - y0 : M, cols = w - x0 < M ? w - x0 : M;                \
      float *base = y + ((long)img * h * w + (long)y0 * w + x0) * k;                           \
      const float *src = src0 + (long)(t - t0) * k;                                            \
      for (int kk = 0; kk < k; kk += 4) {                                                      \
        f4 r[M * N];                                                                           \
        for (int j = 0; j < N; j++) {                                                          \
          f4 col[N];                                                                           \
          for (int i = 0; i < N; i++) col[i] = ld(src + (i * N + j) * plane + kk);             \
          AT(col, 1, r + j, N);                                                                \
        }                                                                                      \
        const f4 b = bias ? ld(bias + kk) : K4(0);                                             \
        for (int i = 0; i < rows; i++) {                                                       \
          f4 o[M];                                                                             \
          AT(r + i * N, 1, o, 1);                                                              \
          float *row = base + (long)i * w * k + kk;                                            \
          for (int j = 0; j < M; j++) {                                                        \
            f4 v = ADD(o[j], b);                                                               \
            if (relu) v = wasm_f32x4_pmax(v, K4(0));                                           \
            if (j < cols) st(row + (long)j * k, v);                                            \
          }                                                                                    \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }
OUTPUT_BLOCK(output_block4, 6, 4, at6)
OUTPUT_BLOCK(output_block6, 8, 6, at8)

static void output_block(const float *M, long plane, float *y, const float *bias, int relu, int n,
                         int h, int w, int k, int th, int tw, int m, int t0, int t1) {
  if (m == 6) output_block6(M, plane, y, bias, relu, n, h, w, k, th, tw, t0, t1);
  else output_block4(M, plane, y, bias, relu, n, h, w, k, th, tw, t0, t1);
}

__attribute__((export_name("wino_output"))) void wino_output(const float *M, float *y,
                                                             const float *bias, int relu,
                                                             int n, int h, int w, int k, int th,
                                                             int tw, int tpad, int m, int t0,
                                                             int t1) {
  output_block(M + (long)t0 * k, pad_plane((long)tpad * k), y, bias, relu, n, h, w, k, th, tw, m,
               t0, t1);
}

// Whole convolution of tiles [t0, t1) in blocks of tb tiles (tb % 4 == 0) that stay in cache:
// input transform, P = (m + 2)^2 GEMMs, output transform. Each part (thread) uses its own
// scratch of P * (pad_plane(tb * c) + pad_plane(tb * k)) floats, the parts one after the other.
__attribute__((export_name("wino_fused"))) void wino_fused(
    const float *x, const float *U, float *y, const float *bias, int relu, int n, int h, int w,
    int c, int k, int th, int tw, int tb, int kc, int nc, float *scratch, int m, int t0, int t1,
    int part) {
  const int planes = (m + 2) * (m + 2);
  const long vplane = pad_plane((long)tb * c), mplane = pad_plane((long)tb * k);
  float *V = scratch + (long)part * planes * (vplane + mplane);
  float *M = V + planes * vplane;
  for (int b0 = t0; b0 < t1; b0 += tb) {
    const int b1 = b0 + tb < t1 ? b0 + tb : t1;
    const int rows = (b1 - b0 + 3) / 4 * 4;
    input_block(x, V, vplane, n, h, w, c, th, tw, m, b0, b0 + rows);
    gemm_block(V, vplane, U, M, mplane, rows, c, k, kc, nc, 0, planes);
    output_block(M, mplane, y, bias, relu, n, h, w, k, th, tw, m, b0, b1);
  }
}

// Gradient-side transform of tiles [t0, t1) into rows 0.. of Q: Q[xi][t][k] = (A dY_t A^T)[xi],
// dY_t the M x M tile of dy (zero outside the image; tiles past the last are zeros). Per tile
// and 4 channels: each row is loaded and expanded along x, then each column along y and stored.
#define DY_BLOCK(NAME, N, M, A)                                                                \
  static void NAME(const float *dy, float *Q, long plane, int n, int h, int w, int k, int th,  \
                   int tw, int t0, int t1) {                                                   \
    const int per_image = th * tw, tiles = n * per_image;                                      \
    for (int t = t0; t < t1; t++) {                                                            \
      float *dst = Q + (long)(t - t0) * k;                                                     \
      if (t >= tiles) {                                                                        \
        for (int xi = 0; xi < N * N; xi++)                                                     \
          for (int kk = 0; kk < k; kk += 4) st(dst + xi * plane + kk, K4(0));                  \
        continue;                                                                              \
      }                                                                                        \
      const int img = t / per_image, ty = (t % per_image) / tw, tx = t % tw;                   \
      const int y0 = ty * M, x0 = tx * M;                                                      \
      const int rows = h - y0 < M ? h - y0 : M, cols = w - x0 < M ? w - x0 : M;                \
      const float *base = dy + ((long)img * h * w + (long)y0 * w + x0) * k;                    \
      for (int kk = 0; kk < k; kk += 4) {                                                      \
        f4 r[M * N];                                                                           \
        for (int i = 0; i < M; i++) {                                                          \
          if (i >= rows) {                                                                     \
            for (int j = 0; j < N; j++) r[i * N + j] = K4(0);                                  \
            continue;                                                                          \
          }                                                                                    \
          const float *q = base + (long)i * w * k + kk;                                        \
          f4 d[M];                                                                             \
          if (cols == M) {                                                                     \
            for (int j = 0; j < M; j++) d[j] = ld(q + (long)j * k);                            \
          } else {                                                                             \
            for (int j = 0; j < M; j++) d[j] = j < cols ? ld(q + (long)j * k) : K4(0);         \
          }                                                                                    \
          A(d, 1, r + i * N, 1);                                                               \
        }                                                                                      \
        for (int j = 0; j < N; j++) {                                                          \
          f4 col[N];                                                                           \
          A(r + j, N, col, 1);                                                                 \
          for (int i = 0; i < N; i++) st(dst + (i * N + j) * plane + kk, col[i]);              \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }
DY_BLOCK(dy_block4, 6, 4, a4)
DY_BLOCK(dy_block6, 8, 6, a6)

static void dy_block(const float *dy, float *Q, long plane, int n, int h, int w, int k, int th,
                     int tw, int m, int t0, int t1) {
  if (m == 6) dy_block6(dy, Q, plane, n, h, w, k, th, tw, t0, t1);
  else dy_block4(dy, Q, plane, n, h, w, k, th, tw, t0, t1);
}

__attribute__((export_name("wino_dy"))) void wino_dy(const float *dy, float *Q, int n, int h,
                                                     int w, int k, int th, int tw, int tpad,
                                                     int m, int t0, int t1) {
  dy_block(dy, Q + (long)t0 * k, pad_plane((long)tpad * k), n, h, w, k, th, tw, m, t0, t1);
}

// dU[xi] += V[xi]^T Q[xi] (c x k) over `rows` tiles for xi in [x0, x1), blocked over input
// channels (mc), outputs (nc) and tiles (kt) so each block stays in cache.
static void grad_block(const float *V, long vplane, const float *Q, long qplane, float *dU,
                       int rows, int c, int k, int mc, int nc, int kt, int x0, int x1) {
  for (int xi = x0; xi < x1; xi++) {
    const float *v = V + xi * vplane;
    const float *q = Q + xi * qplane;
    float *du = dU + xi * pad_plane((long)c * k);
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
  grad_block(V, pad_plane((long)tpad * c), Q, pad_plane((long)tpad * k), dU, tpad, c, k, mc, nc,
             kt, x0, x1);
}

// Filter gradient of tiles [t0, t1) in blocks of tb tiles that stay in cache, summed into this
// part's own dU at dU + part * P * pad_plane(c * k) (zeroed by the caller); scratch as in
// wino_fused.
__attribute__((export_name("wino_fused_grad"))) void wino_fused_grad(
    const float *x, const float *dy, float *dU, int n, int h, int w, int c, int k, int th,
    int tw, int tb, int mc, int nc, float *scratch, int m, int t0, int t1, int part) {
  const int planes = (m + 2) * (m + 2);
  const long vplane = pad_plane((long)tb * c), qplane = pad_plane((long)tb * k);
  float *V = scratch + (long)part * planes * (vplane + qplane);
  float *Q = V + planes * vplane;
  float *du = dU + (long)part * planes * pad_plane((long)c * k);
  for (int b0 = t0; b0 < t1; b0 += tb) {
    const int b1 = b0 + tb < t1 ? b0 + tb : t1;
    input_block(x, V, vplane, n, h, w, c, th, tw, m, b0, b1);
    dy_block(dy, Q, qplane, n, h, w, k, th, tw, m, b0, b1);
    grad_block(V, vplane, Q, qplane, du, b1 - b0, c, k, mc, nc, tb, 0, planes);
  }
}

// dW[kh][kw][ci][k] = (G^T dU G)[kh][kw] for input channels [c0, c1); dU is the sum of `parts`
// arrays [xi][c][k] (planes pad_plane(c * k) apart) one after the other.
#define FILTER_GRAD_OUT(NAME, N, GT)                                                           \
  static void NAME(const float *dU, int parts, float *dW, int c, int k, int c0, int c1) {      \
    const long plane = pad_plane((long)c * k), stride = N * N * plane;                         \
    f4 u[N * N], r[N * 3], g[9];                                                               \
    for (int ci = c0; ci < c1; ci++) {                                                         \
      for (int kk = 0; kk < k; kk += 4) {                                                      \
        const float *src = dU + (long)ci * k + kk;                                             \
        for (int xi = 0; xi < N * N; xi++) {                                                   \
          f4 sum = ld(src + xi * plane);                                                       \
          for (int p = 1; p < parts; p++) sum = ADD(sum, ld(src + p * stride + xi * plane));   \
          u[xi] = sum;                                                                         \
        }                                                                                      \
        for (int j = 0; j < N; j++) GT(u + j, N, r + j, N);                                    \
        for (int i = 0; i < 3; i++) GT(r + i * N, 1, g + i * 3, 1);                            \
        for (int tap = 0; tap < 9; tap++) st(dW + ((long)tap * c + ci) * k + kk, g[tap]);      \
      }                                                                                        \
    }                                                                                          \
  }
FILTER_GRAD_OUT(filter_grad_out4, 6, gt6)
FILTER_GRAD_OUT(filter_grad_out6, 8, gt8)

__attribute__((export_name("wino_filter_grad_out"))) void wino_filter_grad_out(
    const float *dU, int parts, float *dW, int c, int k, int m, int c0, int c1) {
  if (m == 6) filter_grad_out6(dU, parts, dW, c, k, c0, c1);
  else filter_grad_out4(dU, parts, dW, c, k, c0, c1);
}

// Rows [p0, p1) of x (c floats each) copied to rows of cp >= c floats in out, zero past c:
// inputs and filters whose channel count is not a multiple of 4, padded for the transforms.
__attribute__((export_name("wino_pad_rows"))) void wino_pad_rows(const float *x, float *out,
                                                                 int c, int cp, int p0, int p1) {
  for (int p = p0; p < p1; p++) {
    const float *src = x + (long)p * c;
    float *dst = out + (long)p * cp;
    for (int i = 0; i < c; i++) dst[i] = src[i];
    for (int i = c; i < cp; i++) dst[i] = 0;
  }
}

// The first c floats of rows [p0, p1) of x (cp floats each) copied to rows of c floats in out.
__attribute__((export_name("wino_crop_rows"))) void wino_crop_rows(const float *x, float *out,
                                                                   int cp, int c, int p0, int p1) {
  for (int p = p0; p < p1; p++) {
    const float *src = x + (long)p * cp;
    float *dst = out + (long)p * c;
    for (int i = 0; i < c; i++) dst[i] = src[i];
  }
}

// Zeroes floats [i0, i1) of p (multiples of 4).
__attribute__((export_name("wino_zero"))) void wino_zero(float *p, int i0, int i1) {
  for (int i = i0; i < i1; i += 4) st(p + i, K4(0));
}
