#!/bin/sh
# Rebuilds filter-grad.wasm from filter-grad.c (needs clang + lld: apt-get install clang-14 lld-14).
set -e
cd "$(dirname "$0")"
CLANG=${CLANG:-$(command -v clang-14 || command -v clang)}
"$CLANG" --target=wasm32 -O3 -msimd128 -matomics -mbulk-memory -nostdlib -ffreestanding \
  -Wl,--no-entry -Wl,--import-memory -Wl,--shared-memory -Wl,--max-memory=4294967296 \
  -Wl,-z,stack-size=65536 -Wl,--strip-all -fuse-ld="$(command -v wasm-ld-14 || command -v wasm-ld)" \
  -o filter-grad.wasm filter-grad.c
# Embed the module so bundlers need no asset handling.
{
  echo '/** filter-grad.wasm (built from filter-grad.c by build.sh), base64. Do not edit. */'
  printf "export const FILTER_GRAD_WASM = '%s'\n" "$(base64 -w0 filter-grad.wasm)"
} > filter-grad-wasm.ts
rm filter-grad.wasm
