/**
 * Builds the editor-only page (the editor with a stand-in dataset store) for the editor's
 * end-to-end test, so the editor can be driven in Chromium through the real web host.
 */
import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { build } from 'vite'

const HERE = import.meta.dirname

/** Builds into `outDir` and returns it. */
export async function buildEditorPage(outDir: string): Promise<string> {
  await build({
    configFile: false,
    root: HERE,
    base: './',
    logLevel: 'error',
    plugins: [
      vue(),
      {
        name: 'editor-page-dataset-store',
        enforce: 'pre',
        resolveId: (id) =>
          id.endsWith('stores/dataset') ? resolve(HERE, 'dataset-store.js') : null
      }
    ],
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 2000 }
  })
  return outDir
}
