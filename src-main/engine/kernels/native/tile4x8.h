// The 4x8 outer-product register tile shared by our reduction kernels:
//   c[i][o] += sum_{q in [q0, q1)} x[q * xs + i] * d[q * ds + o],  i < 4, o < 8
// (x and d are row-major with row strides xs and ds; c has row stride ds). 8 f32x4 accumulators,
// 64 flops per reduction step.
#include <wasm_simd128.h>

// acc + a * b: one fused multiply-add where the module is built with relaxed SIMD (its FMA build),
// else a multiply and an add.
#ifdef __wasm_relaxed_simd__
#define MADD(acc, a, b) __builtin_wasm_relaxed_madd_f32x4((a), (b), (acc))
#else
#define MADD(acc, a, b) wasm_f32x4_add((acc), wasm_f32x4_mul((a), (b)))
#endif

static inline void tile4x8(const float *x, const float *d, float *c, int q0, int q1, int xs, int ds) {
  v128_t a00 = wasm_f32x4_splat(0), a01 = a00, a10 = a00, a11 = a00;
  v128_t a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  for (int q = q0; q < q1; q++) {
    const float *xr = x + q * xs;
    const float *dr = d + q * ds;
    v128_t b0 = wasm_v128_load(dr), b1 = wasm_v128_load(dr + 4);
    v128_t s0 = wasm_f32x4_splat(xr[0]), s1 = wasm_f32x4_splat(xr[1]);
    v128_t s2 = wasm_f32x4_splat(xr[2]), s3 = wasm_f32x4_splat(xr[3]);
    a00 = MADD(a00, s0, b0);
    a01 = MADD(a01, s0, b1);
    a10 = MADD(a10, s1, b0);
    a11 = MADD(a11, s1, b1);
    a20 = MADD(a20, s2, b0);
    a21 = MADD(a21, s2, b1);
    a30 = MADD(a30, s3, b0);
    a31 = MADD(a31, s3, b1);
  }
  float *c0 = c, *c1 = c + ds, *c2 = c + 2 * ds, *c3 = c + 3 * ds;
  wasm_v128_store(c0, wasm_f32x4_add(wasm_v128_load(c0), a00));
  wasm_v128_store(c0 + 4, wasm_f32x4_add(wasm_v128_load(c0 + 4), a01));
  wasm_v128_store(c1, wasm_f32x4_add(wasm_v128_load(c1), a10));
  wasm_v128_store(c1 + 4, wasm_f32x4_add(wasm_v128_load(c1 + 4), a11));
  wasm_v128_store(c2, wasm_f32x4_add(wasm_v128_load(c2), a20));
  wasm_v128_store(c2 + 4, wasm_f32x4_add(wasm_v128_load(c2 + 4), a21));
  wasm_v128_store(c3, wasm_f32x4_add(wasm_v128_load(c3), a30));
  wasm_v128_store(c3 + 4, wasm_f32x4_add(wasm_v128_load(c3 + 4), a31));
}

