// The U-Net's down- and up-sampling forward passes on tfjs-backend-wasm's heap, in SIMD over
// channels (channels % 4 == 0), NHWC. Row ranges [r0, r1) of the output's n * out_h rows let
// threads split a call (runSplit).
#include <wasm_simd128.h>

// 2x2 max pool, stride 2: out[b, y, x] = max of in[b, 2y..2y+1, 2x..2x+1] (h, w even).
__attribute__((export_name("max_pool_2x2_rows"))) void max_pool_2x2_rows(const float *in, int h,
                                                                         int w, int c, float *out,
                                                                         int r0, int r1,
                                                                         int part) {
  (void)part;
  const int oh = h / 2, ow = w / 2;
  for (int r = r0; r < r1; r++) {
    const int b = r / oh, y = r % oh;
    const float *top = in + (((long)b * h + 2 * y) * w) * c;
    const float *bottom = top + (long)w * c;
    float *o = out + (long)r * ow * c;
    for (int x = 0; x < ow; x++, top += 2 * c, bottom += 2 * c, o += c) {
      for (int k = 0; k < c; k += 4) {
        const v128_t a = wasm_f32x4_max(wasm_v128_load(top + k), wasm_v128_load(top + c + k));
        const v128_t d =
            wasm_f32x4_max(wasm_v128_load(bottom + k), wasm_v128_load(bottom + c + k));
        wasm_v128_store(o + k, wasm_f32x4_max(a, d));
      }
    }
  }
}

// Bilinear resize without half-pixel centres (tfjs's ResizeBilinear): source row y * hs, column
// x * ws, each output tl + (tr - tl) * xl, then top + (bottom - top) * yl, as wasm's own kernel.
__attribute__((export_name("resize_bilinear_rows"))) void resize_bilinear_rows(
    const float *in, int h, int w, int c, int oh, int ow, double hs, double ws, float *out,
    int r0, int r1, int part) {
  (void)part;
  for (int r = r0; r < r1; r++) {
    const int b = r / oh, y = r % oh;
    const double fy = y * hs;
    const int ty = (int)fy;
    const int by = fy > ty && ty + 1 < h ? ty + 1 : ty;
    const v128_t yl = wasm_f32x4_splat((float)(fy - ty));
    const float *image = in + (long)b * h * w * c;
    float *o = out + (long)r * ow * c;
    for (int x = 0; x < ow; x++, o += c) {
      const double fx = x * ws;
      const int lx = (int)fx;
      const int rx = fx > lx && lx + 1 < w ? lx + 1 : lx;
      const v128_t xl = wasm_f32x4_splat((float)(fx - lx));
      const float *tl = image + ((long)ty * w + lx) * c, *tr = image + ((long)ty * w + rx) * c;
      const float *bl = image + ((long)by * w + lx) * c, *br = image + ((long)by * w + rx) * c;
      for (int k = 0; k < c; k += 4) {
        const v128_t t0 = wasm_v128_load(tl + k), b0 = wasm_v128_load(bl + k);
        const v128_t top = wasm_f32x4_add(t0, wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(tr + k), t0), xl));
        const v128_t bot = wasm_f32x4_add(b0, wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(br + k), b0), xl));
        wasm_v128_store(o + k, wasm_f32x4_add(top, wasm_f32x4_mul(wasm_f32x4_sub(bot, top), yl)));
      }
    }
  }
}
