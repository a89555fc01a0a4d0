// Filter gradient of a stride-1 convolution as shifted outer-product sums, for wasm SIMD:
//   C[t][i][o] += sum_q X[(q + off[t]) * cin + i] * D[q * cout + o]
// X: the input on a zero-padded grid, pixel-major; D: dy on the same grid (zero where no output
// exists); off[t]: grid offset of filter tap t. Blocks of the reduction stay in cache; a 4x8
// register tile (8 f32x4 accumulators) does 64 flops per reduction step.
#include <wasm_simd128.h>

#include "tile4x8.h"

#define TILE_I 4

static void tile1x8(const float *x, const float *d, float *c, int q0, int q1, int cin, int cout) {
  v128_t a0 = wasm_f32x4_splat(0), a1 = a0;
  for (int q = q0; q < q1; q++) {
    const float *dr = d + q * cout;
    v128_t s = wasm_f32x4_splat(x[q * cin]);
    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(s, wasm_v128_load(dr)));
    a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(s, wasm_v128_load(dr + 4)));
  }
  wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), a0));
  wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), a1));
}

static void tile1x1(const float *x, const float *d, float *c, int q0, int q1, int cin, int cout) {
  float s = 0;
  for (int q = q0; q < q1; q++) s += x[q * cin] * d[q * cout];
  *c += s;
}

static void tiles(const float *xt, const float *d, float *ct, int i0, int i1, int o0, int o1,
                  int q0, int q1, int cin, int cout) {
  for (int i = i0; i < i1;) {
    const int rows = i + TILE_I <= i1 ? TILE_I : 1;
    int o = o0;
    for (; o + 8 <= o1; o += 8) {
      if (rows == TILE_I) tile4x8(xt + i, d + o, ct + i * cout + o, q0, q1, cin, cout);
      else tile1x8(xt + i, d + o, ct + i * cout + o, q0, q1, cin, cout);
    }
    for (int r = 0; r < rows; r++) {
      for (int oo = o; oo < o1; oo++) {
        tile1x1(xt + i + r, d + oo, ct + (i + r) * cout + oo, q0, q1, cin, cout);
      }
    }
    i += rows;
  }
}

// Accumulates into c (taps x cin x cout) the rows of input channels [i_begin, i_end), reducing
// over grid cells q in [0, cells). Blocked as a GEMM: `mc` input channels x `nc` output channels
// x `kc` cells, so the block of c (all taps) and the x / dy rows of a cell block stay in cache.
// Threads take disjoint channel ranges. No stack or static data: safe on shared memory.
__attribute__((export_name("shift_filter_grad"))) void shift_filter_grad(
    const float *x, const float *d, float *c, const int *off, int taps, int cells, int cin,
    int cout, int mc, int nc, int kc, int i_begin, int i_end) {
  for (int i0 = i_begin; i0 < i_end; i0 += mc) {
    const int i1 = i0 + mc < i_end ? i0 + mc : i_end;
    for (int o0 = 0; o0 < cout; o0 += nc) {
      const int o1 = o0 + nc < cout ? o0 + nc : cout;
      for (int q0 = 0; q0 < cells; q0 += kc) {
        const int q1 = q0 + kc < cells ? q0 + kc : cells;
        for (int t = 0; t < taps; t++) {
          tiles(x + off[t] * cin, d, c + t * cin * cout, i0, i1, o0, o1, q0, q1, cin, cout);
        }
      }
    }
  }
}
