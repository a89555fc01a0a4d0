#!/bin/sh
# Rebuilds our wasm SIMD module from filter-grad.c, winograd.c, heap-simd.c and batch-norm-train.c (needs clang + lld:
# apt-get install clang-14 lld-14) and embeds it in native-wasm.ts. It runs on tfjs's heap, so it
# must have no data segment (checked below).
set -e
cd "$(dirname "$0")"
CLANG=${CLANG:-$(command -v clang-14 || command -v clang)}
"$CLANG" --target=wasm32 -O3 -msimd128 -matomics -mbulk-memory -mmutable-globals -ffp-contract=off \
  -nostdlib -ffreestanding -Wl,--no-entry -Wl,--import-memory -Wl,--shared-memory \
  -Wl,--max-memory=4294967296 -Wl,-z,stack-size=65536 -Wl,--export=__stack_pointer \
  -Wl,--strip-all -fuse-ld="$(command -v wasm-ld-14 || command -v wasm-ld)" \
  -Wl,--export=sum_rows -Wl,--export=scale_shift_rows -Wl,--export=adam \
  -Wl,--export=channel_binary -Wl,--export=max_pool_grad_2x2 -Wl,--export=bn_grad_sums \
  -Wl,--export=copy_rows -Wl,--export=resize_bilinear_grad \
  -o native.wasm filter-grad.c winograd.c heap-simd.c batch-norm-train.c
# A data segment would be written over tfjs's memory at instantiation.
if node -e "const b=require('fs').readFileSync('native.wasm');let i=8;while(i<b.length){const id=b[i++];let n=0,s=0,c;do{c=b[i++];n|=(c&127)<<s;s+=7}while(c&128);if(id===11)process.exit(1);i+=n}"; then :; else
  echo 'native.wasm has a data segment: not safe on the tfjs heap' >&2
  rm native.wasm
  exit 1
fi
# Embed the module so bundlers need no asset handling.
{
  echo '/** native.wasm (built from native/*.c by build.sh), base64. Do not edit. */'
  printf "export const NATIVE_WASM = '%s'\n" "$(base64 -w0 native.wasm)"
} > native-wasm.ts
rm native.wasm
