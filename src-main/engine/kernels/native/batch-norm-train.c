// Batch normalisation in training mode and ReLU, on tfjs-backend-wasm's own heap (see
// native-module.ts), as few passes over the activations as the maths allows:
//   forward:  per-channel shifted sums of x and x^2 (one pass), then y = (x - mean) * k + offset;
//   backward: per-channel sums of dy and dy * xhat (one pass), then dx = k1 dy + k2 (x - mean) + k3;
//   with a ReLU after it, the same passes with dy masked where (x - mean) * k + offset <= 0.
// Row ranges [r0, r1) let threads split a call (runSplit); per-thread sums go to their own slice of
// out64 (part * terms * channels), which the caller adds up. channels % 4 == 0.
#include <wasm_simd128.h>

#define ROW_BLOCK 64
typedef v128_t f4;

static inline void add_promoted(double *o, f4 a) {
  wasm_v128_store(o, wasm_f64x2_add(wasm_v128_load(o), wasm_f64x2_promote_low_f32x4(a)));
  f4 hi = wasm_i32x4_shuffle(a, a, 2, 3, 0, 1);
  wasm_v128_store(o + 2, wasm_f64x2_add(wasm_v128_load(o + 2), wasm_f64x2_promote_low_f32x4(hi)));
}

// out64[part][0][c] += sum (x - shift[c]), out64[part][1][c] += sum (x - shift[c])^2 over rows
// [r0, r1); blocks of ROW_BLOCK rows summed in float32, then added in float64.
__attribute__((export_name("bn_moments"))) void bn_moments(const float *x, int channels,
                                                           const float *shift, double *out64,
                                                           int r0, int r1, int part) {
  double *s1 = out64 + (long)part * 2 * channels, *s2 = s1 + channels;
  for (int b0 = r0; b0 < r1; b0 += ROW_BLOCK) {
    const int b1 = b0 + ROW_BLOCK < r1 ? b0 + ROW_BLOCK : r1;
    for (int c = 0; c < channels; c += 4) {
      const f4 s = wasm_v128_load(shift + c);
      f4 a = wasm_f32x4_splat(0), q = a;
      const float *p = x + (long)b0 * channels + c;
      for (int r = b0; r < b1; r++, p += channels) {
        const f4 d = wasm_f32x4_sub(wasm_v128_load(p), s);
        a = wasm_f32x4_add(a, d);
        q = wasm_f32x4_add(q, wasm_f32x4_mul(d, d));
      }
      add_promoted(s1 + c, a);
      add_promoted(s2 + c, q);
    }
  }
}

// out = (x - mean[c]) * k[c] + offset[c] over rows [r0, r1).
__attribute__((export_name("bn_apply"))) void bn_apply(const float *x, int channels,
                                                       const float *mean, const float *k,
                                                       const float *offset, float *out, int r0,
                                                       int r1, int part) {
  (void)part;
  for (int r = r0; r < r1; r++) {
    const float *p = x + (long)r * channels;
    float *q = out + (long)r * channels;
    for (int c = 0; c < channels; c += 4) {
      const f4 d = wasm_f32x4_sub(wasm_v128_load(p + c), wasm_v128_load(mean + c));
      wasm_v128_store(q + c, wasm_f32x4_add(wasm_f32x4_mul(d, wasm_v128_load(k + c)),
                                            wasm_v128_load(offset + c)));
    }
  }
}

// out64[part][0][c] += sum dy, out64[part][1][c] += sum dy * (x - mean[c]) * rs[c].
__attribute__((export_name("bn_train_sums"))) void bn_train_sums(const float *x, const float *dy,
                                                                 int channels, const float *mean,
                                                                 const float *rs, double *out64,
                                                                 int r0, int r1, int part) {
  double *s1 = out64 + (long)part * 2 * channels, *s2 = s1 + channels;
  for (int b0 = r0; b0 < r1; b0 += ROW_BLOCK) {
    const int b1 = b0 + ROW_BLOCK < r1 ? b0 + ROW_BLOCK : r1;
    for (int c = 0; c < channels; c += 4) {
      const f4 m = wasm_v128_load(mean + c), s = wasm_v128_load(rs + c);
      f4 a = wasm_f32x4_splat(0), q = a;
      long at = (long)b0 * channels + c;
      for (int r = b0; r < b1; r++, at += channels) {
        const f4 d = wasm_v128_load(dy + at);
        const f4 xhat = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + at), m), s);
        a = wasm_f32x4_add(a, d);
        q = wasm_f32x4_add(q, wasm_f32x4_mul(d, xhat));
      }
      add_promoted(s1 + c, a);
      add_promoted(s2 + c, q);
    }
  }
}

// dx = k1[c] * dy + k2[c] * (x - mean[c]) + k3[c] over rows [r0, r1).
__attribute__((export_name("bn_train_dx"))) void bn_train_dx(const float *x, const float *dy,
                                                             int channels, const float *mean,
                                                             const float *k1, const float *k2,
                                                             const float *k3, float *dx, int r0,
                                                             int r1, int part) {
  (void)part;
  for (int r = r0; r < r1; r++) {
    const long at = (long)r * channels;
    for (int c = 0; c < channels; c += 4) {
      const f4 xm = wasm_f32x4_sub(wasm_v128_load(x + at + c), wasm_v128_load(mean + c));
      const f4 v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(k1 + c), wasm_v128_load(dy + at + c)),
                                  wasm_f32x4_mul(wasm_v128_load(k2 + c), xm));
      wasm_v128_store(dx + at + c, wasm_f32x4_add(v, wasm_v128_load(k3 + c)));
    }
  }
}

// Batch norm followed by ReLU as one layer: out = max((x - mean[c]) * k[c] + offset[c], 0).
__attribute__((export_name("bn_apply_relu"))) void bn_apply_relu(const float *x, int channels,
                                                                 const float *mean, const float *k,
                                                                 const float *offset, float *out,
                                                                 int r0, int r1, int part) {
  (void)part;
  const f4 zero = wasm_f32x4_splat(0);
  for (int r = r0; r < r1; r++) {
    const float *p = x + (long)r * channels;
    float *q = out + (long)r * channels;
    for (int c = 0; c < channels; c += 4) {
      const f4 d = wasm_f32x4_sub(wasm_v128_load(p + c), wasm_v128_load(mean + c));
      const f4 y = wasm_f32x4_add(wasm_f32x4_mul(d, wasm_v128_load(k + c)), wasm_v128_load(offset + c));
      wasm_v128_store(q + c, wasm_f32x4_pmax(y, zero));
    }
  }
}

// dy where the fused layer's ReLU passed its input, recomputed from x exactly as bn_apply_relu
// formed it (so the fused layer keeps no output of its own for the backward pass).
static inline f4 relu_passed(f4 dy, f4 xm, f4 k, f4 offset) {
  const f4 y = wasm_f32x4_add(wasm_f32x4_mul(xm, k), offset);
  return wasm_v128_and(dy, wasm_f32x4_gt(y, wasm_f32x4_splat(0)));
}

// bn_train_sums for batch norm + ReLU: dy is masked by the ReLU first.
__attribute__((export_name("bn_relu_sums"))) void bn_relu_sums(const float *x, const float *dy,
                                                               int channels, const float *mean,
                                                               const float *rs, const float *k,
                                                               const float *offset, double *out64,
                                                               int r0, int r1, int part) {
  double *s1 = out64 + (long)part * 2 * channels, *s2 = s1 + channels;
  for (int b0 = r0; b0 < r1; b0 += ROW_BLOCK) {
    const int b1 = b0 + ROW_BLOCK < r1 ? b0 + ROW_BLOCK : r1;
    for (int c = 0; c < channels; c += 4) {
      const f4 m = wasm_v128_load(mean + c), s = wasm_v128_load(rs + c);
      const f4 kc = wasm_v128_load(k + c), oc = wasm_v128_load(offset + c);
      f4 a = wasm_f32x4_splat(0), q = a;
      long at = (long)b0 * channels + c;
      for (int r = b0; r < b1; r++, at += channels) {
        const f4 xm = wasm_f32x4_sub(wasm_v128_load(x + at), m);
        const f4 d = relu_passed(wasm_v128_load(dy + at), xm, kc, oc);
        a = wasm_f32x4_add(a, d);
        q = wasm_f32x4_add(q, wasm_f32x4_mul(d, wasm_f32x4_mul(xm, s)));
      }
      add_promoted(s1 + c, a);
      add_promoted(s2 + c, q);
    }
  }
}

// bn_train_dx for batch norm + ReLU: dx = k1[c] * dy' + k2[c] * (x - mean[c]) + k3[c], dy' the
// ReLU-masked dy.
__attribute__((export_name("bn_relu_dx"))) void bn_relu_dx(const float *x, const float *dy,
                                                           int channels, const float *mean,
                                                           const float *k, const float *offset,
                                                           const float *k1, const float *k2,
                                                           const float *k3, float *dx, int r0,
                                                           int r1, int part) {
  (void)part;
  for (int r = r0; r < r1; r++) {
    const long at = (long)r * channels;
    for (int c = 0; c < channels; c += 4) {
      const f4 xm = wasm_f32x4_sub(wasm_v128_load(x + at + c), wasm_v128_load(mean + c));
      const f4 d = relu_passed(wasm_v128_load(dy + at + c), xm, wasm_v128_load(k + c),
                               wasm_v128_load(offset + c));
      const f4 v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(k1 + c), d),
                                  wasm_f32x4_mul(wasm_v128_load(k2 + c), xm));
      wasm_v128_store(dx + at + c, wasm_f32x4_add(v, wasm_v128_load(k3 + c)));
    }
  }
}

// out = max(x, 0) over elements [i0, i1) (i0 % 4 == 0; a scalar tail when i1 % 4 != 0).
__attribute__((export_name("relu_fwd"))) void relu_fwd(const float *x, float *out, int i0, int i1,
                                                       int part) {
  (void)part;
  const f4 zero = wasm_f32x4_splat(0);
  int i = i0;
  for (; i + 4 <= i1; i += 4) wasm_v128_store(out + i, wasm_f32x4_pmax(wasm_v128_load(x + i), zero));
  for (; i < i1; i++) out[i] = x[i] > 0 ? x[i] : 0;
}

// dx = y > 0 ? dy : 0 (y = relu(x), so y > 0 exactly where x > 0) over elements [i0, i1).
__attribute__((export_name("relu_grad"))) void relu_grad(const float *dy, const float *y,
                                                         float *dx, int i0, int i1, int part) {
  (void)part;
  const f4 zero = wasm_f32x4_splat(0);
  int i = i0;
  for (; i + 4 <= i1; i += 4) {
    const f4 keep = wasm_f32x4_gt(wasm_v128_load(y + i), zero);
    wasm_v128_store(dx + i, wasm_v128_and(wasm_v128_load(dy + i), keep));
  }
  for (; i < i1; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}
