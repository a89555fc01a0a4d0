import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BACKEND_NAMES } from '../../../../src-preload/options/backend'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import {
  isNotInstalled,
  loadFailureReason,
  missingLibraries
} from '../../../../src-main/engine/backend/native-packages'
import { tf } from '../../../../src-main/engine/backend/tf'

describe('initBackend', () => {
  it('picks the best available backend and says why the others were skipped', async () => {
    const report = await initBackend()
    expect(BACKEND_NAMES).toContain(report.name)
    for (const s of report.skipped) expect(s.reason.length).toBeGreaterThan(0)
    expect(await initBackend()).toBe(report)
    expect(report.skipped.map((s) => s.name)).toEqual(
      BACKEND_NAMES.slice(0, BACKEND_NAMES.indexOf(report.name))
    )
  })

  it('honours a forced backend and runs tf on it', async () => {
    const report = await initBackend('cpu')
    expect(report).toEqual({ name: 'cpu', skipped: [] })
    expect(tf.getBackend()).toBe('cpu')
    expect(await initBackend('wasm')).toMatchObject({ name: 'wasm', skipped: [] })
    expect(tf.getBackend()).toBe('wasm')
    expect(Array.from(tf.add(1, 2).dataSync())).toEqual([3])
  })

  it('fails loudly when a forced native backend is missing, uses it when present', async () => {
    let installed = true
    try {
      createRequire(import.meta.url).resolve('@tensorflow/tfjs-node')
    } catch {
      installed = false
    }
    if (installed) {
      expect((await initBackend('tensorflow')).name).toBe('tensorflow')
    } else {
      await expect(initBackend('tensorflow')).rejects.toThrow(
        "Backend 'tensorflow' unavailable: not installed"
      )
    }
  })
})

describe('threaded wasm', () => {
  it('uses every core (tfjs and our kernels) and still lets a process exit on its own', () => {
    const backendDir = join(import.meta.dirname, '../../../../src-main/engine/backend')
    const code = [
      `import { initBackend } from ${JSON.stringify(join(backendDir, 'init-backend.ts'))}`,
      `import { tf } from ${JSON.stringify(join(backendDir, 'tf.ts'))}`,
      "const report = await initBackend('wasm')",
      'const x = tf.ones([2, 8, 8, 16])',
      'const grad = tf.grad((w) => tf.conv2d(x, w, 1, "same").sum())(tf.ones([3, 3, 16, 8]))',
      'const sum = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).sum().dataSync()[0]',
      'if (grad.dataSync().some((v) => !(v > 0))) throw new Error("bad gradient")',
      'console.log(JSON.stringify({ ...report, sum }))'
    ].join('\n')
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', code],
      {
        encoding: 'utf8',
        timeout: 60_000
      }
    )
    expect(run.status).toBe(0)
    const out = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}')
    expect(out.sum).toBe(64 * 64 * 64)
    const threads = Math.min(8, availableParallelism())
    expect(out.detail).toBe(
      threads > 1 ? `threaded SIMD, ${threads} threads` : 'single-threaded SIMD'
    )
  })
})

describe('native load errors', () => {
  it('names the missing CUDA library from a dlopen error', () => {
    const message =
      'Error: libcudnn.so.8: cannot open shared object file: No such file or directory\n' +
      '    at Object.Module._extensions..node (node:internal/modules/cjs/loader:1282:18)'
    expect(missingLibraries(message)).toEqual(['libcudnn.so.8'])
    expect(loadFailureReason('@tensorflow/tfjs-node-gpu', message)).toBe(
      '@tensorflow/tfjs-node-gpu is installed but failed to load: ' +
        'CUDA/cuDNN libraries missing: libcudnn.so.8'
    )
  })

  it('collects every library TensorFlow could not load', () => {
    const log = [
      "W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file",
      "W dso_loader.cc:64] Could not load dynamic library 'libcudnn.so.8'; dlerror: libcudnn.so.8: cannot open shared object file"
    ].join('\n')
    expect(missingLibraries(log)).toEqual(['libcudart.so.11.0', 'libcudnn.so.8'])
  })

  it('tells "not installed" from a failure inside the package', () => {
    const notFound = Object.assign(new Error("Cannot find module '@tensorflow/tfjs-node'"), {
      code: 'MODULE_NOT_FOUND'
    })
    const inner = Object.assign(new Error("Cannot find module 'node-pre-gyp'"), {
      code: 'MODULE_NOT_FOUND'
    })
    expect(isNotInstalled(notFound, '@tensorflow/tfjs-node')).toBe(true)
    expect(isNotInstalled(inner, '@tensorflow/tfjs-node')).toBe(false)
    expect(loadFailureReason('@tensorflow/tfjs-node', 'Error: bad ELF header')).toBe(
      '@tensorflow/tfjs-node is installed but failed to load: Error: bad ELF header'
    )
  })
})
