// Element-wise and per-channel kernels run in place on tfjs-backend-wasm's own (shared) heap
// (see native-module.ts); every pointer comes from the caller. f32x4 SIMD, no FMA, so each
// operation rounds to float32 exactly as tfjs's own kernels do.
#include <wasm_simd128.h>

#define ROW_BLOCK 64

// out64[c] += sum over `rows` rows of x[r * channels + c]; channels % 4 == 0.
void sum_rows(const float *x, int rows, int channels, double *out64) {
  for (int r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    int r1 = r0 + ROW_BLOCK < rows ? r0 + ROW_BLOCK : rows;
    int c = 0;
    for (; c + 16 <= channels; c += 16) {
      v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
      const float *p = x + (long)r0 * channels + c;
      for (int r = r0; r < r1; r++, p += channels) {
        a0 = wasm_f32x4_add(a0, wasm_v128_load(p));
        a1 = wasm_f32x4_add(a1, wasm_v128_load(p + 4));
        a2 = wasm_f32x4_add(a2, wasm_v128_load(p + 8));
        a3 = wasm_f32x4_add(a3, wasm_v128_load(p + 12));
      }
      v128_t acc[4] = {a0, a1, a2, a3};
      for (int k = 0; k < 4; k++) {
        double *o = out64 + c + 4 * k;
        wasm_v128_store(o, wasm_f64x2_add(wasm_v128_load(o), wasm_f64x2_promote_low_f32x4(acc[k])));
        v128_t hi = wasm_i32x4_shuffle(acc[k], acc[k], 2, 3, 0, 1);
        wasm_v128_store(o + 2, wasm_f64x2_add(wasm_v128_load(o + 2), wasm_f64x2_promote_low_f32x4(hi)));
      }
    }
    for (; c < channels; c += 4) {
      v128_t a = wasm_f32x4_splat(0);
      const float *p = x + (long)r0 * channels + c;
      for (int r = r0; r < r1; r++, p += channels) a = wasm_f32x4_add(a, wasm_v128_load(p));
      double *o = out64 + c;
      wasm_v128_store(o, wasm_f64x2_add(wasm_v128_load(o), wasm_f64x2_promote_low_f32x4(a)));
      v128_t hi = wasm_i32x4_shuffle(a, a, 2, 3, 0, 1);
      wasm_v128_store(o + 2, wasm_f64x2_add(wasm_v128_load(o + 2), wasm_f64x2_promote_low_f32x4(hi)));
    }
  }
}

// out[r * channels + c] = (x[r * channels + c] - mean[c]) * k[c] + offset[c]; channels % 4 == 0.
void scale_shift_rows(const float *x, int rows, int channels, const float *mean, const float *k,
                      const float *offset, float *out) {
  for (int r = 0; r < rows; r++) {
    const float *p = x + (long)r * channels;
    float *q = out + (long)r * channels;
    for (int c = 0; c < channels; c += 4) {
      v128_t d = wasm_f32x4_sub(wasm_v128_load(p + c), wasm_v128_load(mean + c));
      v128_t y = wasm_f32x4_add(wasm_f32x4_mul(d, wasm_v128_load(k + c)), wasm_v128_load(offset + c));
      wasm_v128_store(q + c, y);
    }
  }
}

// One Adam step, as tfjs's AdamOptimizer rounds it: m' = m*b1 + g*c1, v' = v*b2 + (g*g)*c2,
// x' = ((m'/d1) / (sqrt(v'/d2) + eps)) * nlr + x. Scalar tail for n % 4.
void adam(const float *x, const float *m, const float *v, const float *g, float *ox, float *om,
          float *ov, int n, float b1, float c1, float b2, float c2, float d1, float d2, float eps,
          float nlr) {
  v128_t B1 = wasm_f32x4_splat(b1), C1 = wasm_f32x4_splat(c1), B2 = wasm_f32x4_splat(b2);
  v128_t C2 = wasm_f32x4_splat(c2), D1 = wasm_f32x4_splat(d1), D2 = wasm_f32x4_splat(d2);
  v128_t E = wasm_f32x4_splat(eps), L = wasm_f32x4_splat(nlr);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t gi = wasm_v128_load(g + i);
    v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), B1), wasm_f32x4_mul(gi, C1));
    v128_t g2 = wasm_f32x4_mul(gi, gi);
    v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), B2), wasm_f32x4_mul(g2, C2));
    v128_t den = wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(vi, D2)), E);
    v128_t step = wasm_f32x4_div(wasm_f32x4_div(mi, D1), den);
    wasm_v128_store(ox + i, wasm_f32x4_add(wasm_f32x4_mul(step, L), wasm_v128_load(x + i)));
    wasm_v128_store(om + i, mi);
    wasm_v128_store(ov + i, vi);
  }
  for (; i < n; i++) {
    float gi = g[i];
    float mi = m[i] * b1 + gi * c1;
    float vi = v[i] * b2 + (gi * gi) * c2;
    float step = (mi / d1) / (__builtin_sqrtf(vi / d2) + eps);
    ox[i] = step * nlr + x[i];
    om[i] = mi;
    ov[i] = vi;
  }
}

// out[r * channels + c] = full[r * channels + c] OP per[c] (or per[c] OP full[...] when
// `per_first`), OP: 0 add, 1 sub, 2 mul, 3 div; channels % 4 == 0.
void channel_binary(int op, const float *full, const float *per, int rows, int channels,
                    int per_first, float *out) {
  for (int r = 0; r < rows; r++) {
    const float *p = full + (long)r * channels;
    float *q = out + (long)r * channels;
    for (int c = 0; c < channels; c += 4) {
      v128_t x = wasm_v128_load(p + c), y = wasm_v128_load(per + c);
      if (per_first) {
        v128_t t = x;
        x = y;
        y = t;
      }
      v128_t z = op == 0   ? wasm_f32x4_add(x, y)
                 : op == 1 ? wasm_f32x4_sub(x, y)
                 : op == 2 ? wasm_f32x4_mul(x, y)
                           : wasm_f32x4_div(x, y);
      wasm_v128_store(q + c, z);
    }
  }
}

// Gradient of a 2x2, stride-2 max pool over NHWC x [n, h, w, c] (h, w even, c % 4 == 0): each
// window's dy goes to its first maximum in row-major order (as tfjs's cpu kernel), zeros elsewhere.
void max_pool_grad_2x2(const float *x, const float *dy, int n, int h, int w, int c, float *dx) {
  int oh = h / 2, ow = w / 2;
  long row = (long)w * c;
  for (int b = 0; b < n; b++) {
    for (int oy = 0; oy < oh; oy++) {
      long top = ((long)b * h + 2 * oy) * row;
      const float *d = dy + (((long)b * oh + oy) * ow) * c;
      for (int ox = 0; ox < ow; ox++, d += c) {
        long p = top + (long)2 * ox * c;
        for (int k = 0; k < c; k += 4) {
          v128_t v0 = wasm_v128_load(x + p + k), v1 = wasm_v128_load(x + p + c + k);
          v128_t v2 = wasm_v128_load(x + p + row + k), v3 = wasm_v128_load(x + p + row + c + k);
          v128_t g1 = wasm_f32x4_gt(v1, v0);
          v128_t m = wasm_v128_bitselect(v1, v0, g1);
          v128_t g2 = wasm_f32x4_gt(v2, m);
          m = wasm_v128_bitselect(v2, m, g2);
          v128_t g3 = wasm_f32x4_gt(v3, m);
          v128_t w3 = g3, w2 = wasm_v128_andnot(g2, g3);
          v128_t w1 = wasm_v128_andnot(wasm_v128_andnot(g1, g2), g3);
          v128_t w0 = wasm_v128_not(wasm_v128_or(wasm_v128_or(g1, g2), g3));
          v128_t g = wasm_v128_load(d + k);
          wasm_v128_store(dx + p + k, wasm_v128_and(g, w0));
          wasm_v128_store(dx + p + c + k, wasm_v128_and(g, w1));
          wasm_v128_store(dx + p + row + k, wasm_v128_and(g, w2));
          wasm_v128_store(dx + p + row + c + k, wasm_v128_and(g, w3));
        }
      }
    }
  }
}

// Per-channel sums of batch norm's gradient terms, all four in one pass, added into
// out64[term * channels + c]: term 0: dy; 1: neg_rs[c]*(dy*scale[c]);
// 2: (half_cube[c]*(x-mean[c]))*(dy*scale[c]); 3: dy*((x-mean[c])*rs[c]). Each product is
// rounded to float32 as tfjs's element-wise ops round it; channels % 4 == 0.
void bn_grad_sums(const float *x, const float *dy, int rows, int channels, const float *mean,
                  const float *rs, const float *neg_rs, const float *half_cube, const float *scale,
                  double *out64) {
  for (int r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    int r1 = r0 + ROW_BLOCK < rows ? r0 + ROW_BLOCK : rows;
    for (int c = 0; c < channels; c += 4) {
      v128_t m = wasm_v128_load(mean + c), r = wasm_v128_load(rs + c);
      v128_t n = wasm_v128_load(neg_rs + c), h = wasm_v128_load(half_cube + c);
      v128_t s = wasm_v128_load(scale + c);
      v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
      long at = (long)r0 * channels + c;
      for (int k = r0; k < r1; k++, at += channels) {
        v128_t d = wasm_v128_load(dy + at);
        v128_t xm = wasm_f32x4_sub(wasm_v128_load(x + at), m);
        v128_t ds = wasm_f32x4_mul(d, s);
        a0 = wasm_f32x4_add(a0, d);
        a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(n, ds));
        a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_f32x4_mul(h, xm), ds));
        a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(d, wasm_f32x4_mul(xm, r)));
      }
      v128_t acc[4] = {a0, a1, a2, a3};
      for (int t = 0; t < 4; t++) {
        double *o = out64 + (long)t * channels + c;
        wasm_v128_store(o, wasm_f64x2_add(wasm_v128_load(o), wasm_f64x2_promote_low_f32x4(acc[t])));
        v128_t hi = wasm_i32x4_shuffle(acc[t], acc[t], 2, 3, 0, 1);
        wasm_v128_store(o + 2, wasm_f64x2_add(wasm_v128_load(o + 2), wasm_f64x2_promote_low_f32x4(hi)));
      }
    }
  }
}

// Copies `rows` rows of `width` floats from src (row stride src_stride) to dst (dst_stride).
void copy_rows(const float *src, int src_stride, float *dst, int dst_stride, int rows, int width) {
  for (int r = 0; r < rows; r++) {
    __builtin_memcpy(dst + (long)r * dst_stride, src + (long)r * src_stride, (unsigned long)width * 4);
  }
}

// Gradient of a bilinear resize of NHWC images [n, xh, xw, c] to [n, yh, yw, c] (c % 4 == 0):
// each dy pixel's value goes to its four source pixels with the forward pass's weights, as
// tfjs's cpu kernel computes them (scale = (xh - 1) / (yh - 1) with aligned corners, else xh / yh).
void resize_bilinear_grad(const float *dy, int n, int yh, int yw, int xh, int xw, int c,
                          double height_scale, double width_scale, float *dx) {
  __builtin_memset(dx, 0, (unsigned long)n * xh * xw * c * 4);
  const float *d = dy;
  for (int b = 0; b < n; b++) {
    float *image = dx + (long)b * xh * xw * c;
    for (int r = 0; r < yh; r++) {
      double fr = r * height_scale;
      int top = (int)fr;
      int bottom = top + 1 < xh ? (fr > top ? top + 1 : top) : xh - 1;
      double lr = fr - top;
      for (int col = 0; col < yw; col++, d += c) {
        double fc = col * width_scale;
        int left = (int)fc;
        int right = left + 1 < xw ? (fc > left ? left + 1 : left) : xw - 1;
        double lc = fc - left;
        v128_t w00 = wasm_f32x4_splat((float)((1.0 - lr) * (1.0 - lc)));
        v128_t w01 = wasm_f32x4_splat((float)((1.0 - lr) * lc));
        v128_t w10 = wasm_f32x4_splat((float)(lr * (1.0 - lc)));
        v128_t w11 = wasm_f32x4_splat((float)(lr * lc));
        float *p00 = image + ((long)top * xw + left) * c, *p01 = image + ((long)top * xw + right) * c;
        float *p10 = image + ((long)bottom * xw + left) * c;
        float *p11 = image + ((long)bottom * xw + right) * c;
        for (int k = 0; k < c; k += 4) {
          v128_t g = wasm_v128_load(d + k);
          wasm_v128_store(p00 + k, wasm_f32x4_add(wasm_v128_load(p00 + k), wasm_f32x4_mul(g, w00)));
          wasm_v128_store(p01 + k, wasm_f32x4_add(wasm_v128_load(p01 + k), wasm_f32x4_mul(g, w01)));
          wasm_v128_store(p10 + k, wasm_f32x4_add(wasm_v128_load(p10 + k), wasm_f32x4_mul(g, w10)));
          wasm_v128_store(p11 + k, wasm_f32x4_add(wasm_v128_load(p11 + k), wasm_f32x4_mul(g, w11)));
        }
      }
    }
  }
}

// Entry points for runSplit (native-module.ts): the kernels above over a part [begin, end) of
// their rows, images or elements, so both threads share a call. Each part computes what the
// whole call computes there, so the result does not depend on the split, except sum_rows_part,
// whose float64 sums go to the part's own slice out64 + part * channels (summed by the caller).
__attribute__((export_name("sum_rows_part"))) void sum_rows_part(const float *x, int channels,
                                                                 double *out64, int r0, int r1,
                                                                 int part) {
  sum_rows(x + (long)r0 * channels, r1 - r0, channels, out64 + (long)part * channels);
}

__attribute__((export_name("copy_rows_part"))) void copy_rows_part(const float *src,
                                                                   int src_stride, float *dst,
                                                                   int dst_stride, int width,
                                                                   int r0, int r1, int part) {
  (void)part;
  copy_rows(src + (long)r0 * src_stride, src_stride, dst + (long)r0 * dst_stride, dst_stride,
            r1 - r0, width);
}

__attribute__((export_name("channel_binary_part"))) void channel_binary_part(
    int op, const float *full, const float *per, int channels, int per_first, float *out, int r0,
    int r1, int part) {
  (void)part;
  const long at = (long)r0 * channels;
  channel_binary(op, full + at, per, r1 - r0, channels, per_first, out + at);
}

__attribute__((export_name("adam_part"))) void adam_part(
    const float *x, const float *m, const float *v, const float *g, float *ox, float *om,
    float *ov, float b1, float c1, float b2, float c2, float d1, float d2, float eps, float nlr,
    int i0, int i1, int part) {
  (void)part;
  adam(x + i0, m + i0, v + i0, g + i0, ox + i0, om + i0, ov + i0, i1 - i0, b1, c1, b2, c2, d1, d2,
       eps, nlr);
}

__attribute__((export_name("max_pool_grad_2x2_part"))) void max_pool_grad_2x2_part(
    const float *x, const float *dy, int h, int w, int c, float *dx, int b0, int b1, int part) {
  (void)part;
  const long image = (long)h * w * c;
  max_pool_grad_2x2(x + b0 * image, dy + b0 * image / 4, b1 - b0, h, w, c, dx + b0 * image);
}

__attribute__((export_name("resize_bilinear_grad_part"))) void resize_bilinear_grad_part(
    const float *dy, int yh, int yw, int xh, int xw, int c, double height_scale,
    double width_scale, float *dx, int b0, int b1, int part) {
  (void)part;
  resize_bilinear_grad(dy + (long)b0 * yh * yw * c, b1 - b0, yh, yw, xh, xw, c, height_scale,
                       width_scale, dx + (long)b0 * xh * xw * c);
}
