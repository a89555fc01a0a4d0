import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')
const CORE = ['src-main/data', 'src-main/engine', 'src-main/jobs']
const SHELL_ONLY = new Set([
  'src-main/index.ts',
  'src-main/window.ts',
  'src-main/ipc.ts',
  'src-main/utility-jobs.ts'
])

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

const ELECTRON_IMPORT =
  /from ['"]electron['"]|require\(['"]electron['"]\)|import\(['"]electron['"]\)/

describe('functional core', () => {
  it('keeps Electron out of data/, engine/ and jobs/', () => {
    const files = CORE.flatMap((dir) => walk(join(ROOT, dir))).filter((f) => f.endsWith('.ts'))
    expect(files.length).toBeGreaterThan(0)
    const leaks = files.filter((f) => ELECTRON_IMPORT.test(readFileSync(f, 'utf8')))
    expect(leaks).toEqual([])
  })

  it('imports Electron only from the shell files and the preload', () => {
    const files = walk(join(ROOT, 'src-main')).filter((f) => f.endsWith('.ts'))
    const importers = files
      .filter((f) => ELECTRON_IMPORT.test(readFileSync(f, 'utf8')))
      .map((f) => f.slice(ROOT.length + 1))
    expect(importers.filter((f) => !SHELL_ONLY.has(f))).toEqual([])
  })
})
