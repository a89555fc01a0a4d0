import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseClassesCsv } from '../../../../src-main/data/class-table'
import { writeClassTable } from '../../../../src-main/data/export/class-table'
import { loadProject } from '../../../../src-main/data/project'
import { copyCamvid, copyIsbi } from '../../engine/copy-datasets'
import { tempDir } from '../support'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

describe('writeClassTable', () => {
  it("writes a multi-class project's classes as a classes.csv the app reads back; binary: none", async () => {
    const cam = await copyCamvid(1)
    const isbi = await copyIsbi([0])
    const out = await tempDir('classes-out')
    dirs.push(cam, isbi, out)
    const { project } = await loadProject(cam)
    const renamed = {
      ...project,
      classes: project.classes.map((c) => (c.index === 2 ? { ...c, name: 'Pole, "thin"' } : c))
    }
    expect(await writeClassTable(out, renamed)).toBe(true)
    const file = join(out, 'classes.csv')
    const back = parseClassesCsv(await readFile(file, 'utf8'), file)
    expect(back).toEqual(renamed.classes.map((c) => ({ ...c, background: false })))
    expect(await writeClassTable(out, (await loadProject(isbi)).project)).toBe(false)
  })
})
