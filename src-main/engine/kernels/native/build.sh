#!/bin/sh
# Rebuilds our wasm SIMD module from filter-grad.c, winograd.c, heap-simd.c, batch-norm-train.c,
# pointwise.c and sampling.c (needs clang + lld 16 or later for relaxed SIMD: apt-get install clang-16 lld-16) and
# embeds it in native-wasm.ts twice: plain SIMD, and with relaxed SIMD, whose GEMM micro-kernels use fused
# multiply-adds (tile4x8.h). It runs on tfjs's heap, so it must have no data segment (checked).
set -e
cd "$(dirname "$0")"
CLANG=${CLANG:-$(command -v clang-16 || command -v clang)}
LLD=${LLD:-$(command -v wasm-ld-16 || command -v wasm-ld)}
build() {
  out=$1
  shift
  "$CLANG" --target=wasm32 -O3 -msimd128 "$@" -o "$out" -matomics -mbulk-memory -mmutable-globals \
    -ffp-contract=off -nostdlib -ffreestanding -Wl,--no-entry -Wl,--import-memory \
    -Wl,--shared-memory -Wl,--max-memory=4294967296 -Wl,-z,stack-size=65536 \
    -Wl,--export=__stack_pointer -Wl,--strip-all -fuse-ld="$LLD" \
    -Wl,--export=sum_rows -Wl,--export=scale_shift_rows -Wl,--export=adam \
    -Wl,--export=channel_binary -Wl,--export=max_pool_grad_2x2 -Wl,--export=bn_grad_sums \
    -Wl,--export=copy_rows -Wl,--export=resize_bilinear_grad \
    filter-grad.c winograd.c heap-simd.c batch-norm-train.c pointwise.c sampling.c
  # A data segment would be written over tfjs's memory at instantiation.
  if node -e "const b=require('fs').readFileSync('$out');let i=8;while(i<b.length){const id=b[i++];let n=0,s=0,c;do{c=b[i++];n|=(c&127)<<s;s+=7}while(c&128);if(id===11)process.exit(1);i+=n}"; then :; else
    echo "$out has a data segment: not safe on the tfjs heap" >&2
    rm "$out"
    exit 1
  fi
}
build native.wasm
build native-fma.wasm -mrelaxed-simd
# Embed the modules so bundlers need no asset handling.
{
  echo '/** native.wasm (built from native/*.c by build.sh), base64. Do not edit. */'
  printf "export const NATIVE_WASM = '%s'\n" "$(base64 -w0 native.wasm)"
  echo '/** The same with relaxed SIMD (fused multiply-adds in the GEMMs), base64. Do not edit. */'
  printf "export const NATIVE_WASM_FMA = '%s'\n" "$(base64 -w0 native-fma.wasm)"
} > native-wasm.ts
rm native.wasm native-fma.wasm
