#!/bin/sh
# Rebuilds our wasm SIMD module from filter-grad.c and winograd.c (needs clang + lld:
# apt-get install clang-14 lld-14) and embeds it in native-wasm.ts.
set -e
cd "$(dirname "$0")"
CLANG=${CLANG:-$(command -v clang-14 || command -v clang)}
"$CLANG" --target=wasm32 -O3 -msimd128 -matomics -mbulk-memory -mmutable-globals -nostdlib \
  -ffreestanding -Wl,--no-entry -Wl,--import-memory -Wl,--shared-memory \
  -Wl,--max-memory=4294967296 -Wl,-z,stack-size=65536 -Wl,--export=__stack_pointer \
  -Wl,--strip-all -fuse-ld="$(command -v wasm-ld-14 || command -v wasm-ld)" \
  -o native.wasm filter-grad.c winograd.c
# Embed the module so bundlers need no asset handling.
{
  echo '/** native.wasm (built from filter-grad.c and winograd.c by build.sh), base64. Do not edit. */'
  printf "export const NATIVE_WASM = '%s'\n" "$(base64 -w0 native.wasm)"
} > native-wasm.ts
rm native.wasm
