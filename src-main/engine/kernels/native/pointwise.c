// Gradients of a 1x1, stride-1 convolution with few outputs (a segmentation head: one logit per
// class), where the general kernels spend more on set-up than on the arithmetic. Rows are pixels
// (NHWC flattened), cin % 4 == 0; rows [r0, r1) per thread (runSplit).
#include <wasm_simd128.h>

#define ROW_BLOCK 64
typedef v128_t f4;

// out64[part][co][ci] += sum_r x[r * cin + ci] * dy[r * cout + co] (float32 sums over blocks of
// ROW_BLOCK rows, added in float64).
__attribute__((export_name("pointwise_filter_grad"))) void pointwise_filter_grad(
    const float *x, const float *dy, int cin, int cout, double *out64, int r0, int r1, int part) {
  double *o = out64 + (long)part * cin * cout;
  for (int b0 = r0; b0 < r1; b0 += ROW_BLOCK) {
    const int b1 = b0 + ROW_BLOCK < r1 ? b0 + ROW_BLOCK : r1;
    for (int co = 0; co < cout; co++) {
      for (int ci = 0; ci < cin; ci += 4) {
        f4 a = wasm_f32x4_splat(0);
        for (int r = b0; r < b1; r++) {
          const f4 d = wasm_f32x4_splat(dy[(long)r * cout + co]);
          a = wasm_f32x4_add(a, wasm_f32x4_mul(d, wasm_v128_load(x + (long)r * cin + ci)));
        }
        double *q = o + (long)co * cin + ci;
        wasm_v128_store(q, wasm_f64x2_add(wasm_v128_load(q), wasm_f64x2_promote_low_f32x4(a)));
        const f4 hi = wasm_i32x4_shuffle(a, a, 2, 3, 0, 1);
        wasm_v128_store(q + 2,
                        wasm_f64x2_add(wasm_v128_load(q + 2), wasm_f64x2_promote_low_f32x4(hi)));
      }
    }
  }
}

// dx[r * cin + ci] = sum_co dy[r * cout + co] * wt[co * cin + ci] (wt: the filter transposed).
__attribute__((export_name("pointwise_input_grad"))) void pointwise_input_grad(
    const float *dy, const float *wt, int cin, int cout, float *dx, int r0, int r1, int part) {
  (void)part;
  for (int r = r0; r < r1; r++) {
    const float *d = dy + (long)r * cout;
    float *out = dx + (long)r * cin;
    for (int ci = 0; ci < cin; ci += 4) {
      f4 a = wasm_f32x4_mul(wasm_f32x4_splat(d[0]), wasm_v128_load(wt + ci));
      for (int co = 1; co < cout; co++)
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_f32x4_splat(d[co]), wasm_v128_load(wt + (long)co * cin + ci)));
      wasm_v128_store(out + ci, a);
    }
  }
}
