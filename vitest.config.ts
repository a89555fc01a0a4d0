import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

/** The app data folder (model library) of one test run, never the user's own. */
const env = { UNET_STUDIO_DATA: join(tmpdir(), `unet-studio-test-data-${process.pid}`) }

/** Three projects: `main` (plain Node services), `renderer` (Vue in happy-dom), `e2e` (Chromium). */
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'main',
          environment: 'node',
          include: ['test/main/**/*.test.ts'],
          env,
          testTimeout: 120_000,
          hookTimeout: 120_000
        }
      },
      {
        plugins: [vue()],
        resolve: { alias: { '@renderer': resolve(import.meta.dirname, 'src-renderer/src') } },
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['test/renderer/**/*.test.ts']
        }
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          env,
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false
        }
      }
    ]
  }
})
