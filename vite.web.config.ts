import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

/** The renderer alone, built for the web host (`src-main/server.ts`) and the end-to-end tests. */
export default defineConfig({
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: './',
  resolve: { alias: { '@renderer': resolve(import.meta.dirname, 'src-renderer/src') } },
  plugins: [vue()],
  build: { outDir: resolve(import.meta.dirname, 'out/web'), emptyOutDir: true }
})
