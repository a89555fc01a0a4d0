#!/bin/sh
# Rebuilds heap-simd.wasm from heap-simd.c (clang + lld: apt-get install clang-14 lld-14) and embeds
# it as base64. The module imports tfjs-backend-wasm's shared memory, so it must have no data and
# use no shadow stack: the build fails if the disassembly touches __stack_pointer.
set -e
cd "$(dirname "$0")"
CLANG=${CLANG:-$(command -v clang-14 || command -v clang)}
OBJDUMP=${OBJDUMP:-$(command -v llvm-objdump-14 || command -v llvm-objdump)}
"$CLANG" --target=wasm32 -O3 -msimd128 -matomics -mbulk-memory -ffp-contract=off -nostdlib \
  -ffreestanding -Wl,--no-entry -Wl,--import-memory -Wl,--shared-memory \
  -Wl,--max-memory=4294967296 -Wl,--initial-memory=131072 -Wl,-z,stack-size=0 -Wl,--strip-all \
  -Wl,--export=sum_rows -Wl,--export=scale_shift_rows -Wl,--export=adam -Wl,--export=channel_binary -Wl,--export=max_pool_grad_2x2 -Wl,--export=bn_grad_sums -Wl,--export=copy_rows -Wl,--export=resize_bilinear_grad \
  -fuse-ld="$(command -v wasm-ld-14 || command -v wasm-ld)" -o heap-simd.wasm heap-simd.c
if "$OBJDUMP" -d heap-simd.wasm | grep -q 'global\.[gs]et'; then
  echo 'heap-simd.wasm uses a shadow stack: not safe on the tfjs heap' >&2
  exit 1
fi
{
  echo '/** heap-simd.wasm (built from heap-simd.c by build.sh), base64. Do not edit. */'
  echo 'export const HEAP_SIMD_WASM ='
  printf "  '%s'\n" "$(base64 -w0 heap-simd.wasm)"
} > heap-simd-wasm.ts
rm heap-simd.wasm
