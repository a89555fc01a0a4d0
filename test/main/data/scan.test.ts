import { chmod, cp, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { scanDataset } from '../../../src-main/data/dataset'
import { naturalCompare } from '../../../src-main/data/natural-sort'
import { SHARED, chmodBlocksReads, copyDsbSamples, oneIdPerGroup, tempDir } from './support'

const dirs: string[] = []
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

/** Copy `n` pairs of a shared flat dataset (images/ + masks/) into a temp folder. */
async function copyFlat(name: string, n: number): Promise<string> {
  const dir = await tempDir(name)
  dirs.push(dir)
  const files = readdirSync(join(SHARED, name, 'images'))
    .sort()
    .slice(0, n)
  for (const sub of ['images', 'masks']) {
    await mkdir(join(dir, sub))
    for (const f of files) await cp(join(SHARED, name, sub, f), join(dir, sub, f))
  }
  return dir
}

describe('scanDataset', () => {
  it('reads ISBI and CamVid as flat pairs matched by file name', async () => {
    for (const [name, n] of [
      ['isbi2012-em', 24],
      ['camvid-segnet', 36]
    ] as const) {
      const scan = await scanDataset(await copyFlat(name, n))
      expect(scan.layout).toBe('flat-pairs')
      expect(scan.samples).toHaveLength(n)
      expect(scan.problems).toEqual([])
      for (const s of scan.samples)
        expect(s.maskPath?.replace('/masks/', '/images/')).toBe(s.imagePath)
    }
  })

  it('matches masks with a _mask suffix; reports unmatched files and non-images', async () => {
    const dir = await copyFlat('isbi2012-em', 3)
    for (const f of ['0', '1'])
      await rename(join(dir, 'masks', `${f}.png`), join(dir, 'masks', `${f}_mask.png`))
    await rm(join(dir, 'masks', '10.png'))
    await writeFile(join(dir, 'masks', 'notes.txt'), 'hello')
    const scan = await scanDataset(dir)
    expect(scan.samples.map((s) => [s.id, s.maskPath?.split('/').pop()])).toEqual([
      ['0', '0_mask.png'],
      ['1', '1_mask.png'],
      ['10', undefined]
    ])
    expect(scan.problems).toEqual([
      {
        sample: undefined,
        file: join(dir, 'masks', 'notes.txt'),
        reason: 'not an image file (PNG, JPEG or TIFF)'
      },
      {
        sample: '10',
        file: join(dir, 'images', '10.png'),
        reason: 'no mask for this image in masks/'
      }
    ])
  })

  it('lists samples in natural order: ISBI sections 0, 1, 2, …, 10, not 0, 1, 10, 11, …', async () => {
    const scan = await scanDataset(join(SHARED, 'isbi2012-em'))
    expect(scan.samples.map((s) => s.id)).toEqual(Array.from({ length: 24 }, (_, i) => String(i)))
    expect(['b10', 'a2', 'b9', 'a10'].sort(naturalCompare)).toEqual(['a2', 'a10', 'b9', 'b10'])
  })

  it('reads a folder of images only', async () => {
    const dir = await tempDir('only')
    dirs.push(dir)
    for (const f of ['0.png', '5.png'])
      await cp(join(SHARED, 'isbi2012-em', 'images', f), join(dir, f))
    const scan = await scanDataset(dir)
    expect(scan.layout).toBe('images-only')
    expect(scan.samples.map((s) => s.id)).toEqual(['0', '5'])
  })

  it('finds the DSB root inside the shared folder and lists every instance mask', async () => {
    const scan = await scanDataset(join(SHARED, 'dsb2018'))
    expect(scan.layout).toBe('dsb2018')
    expect(scan.samples).toHaveLength(120)
    expect(scan.samples.reduce((n, s) => n + (s.instanceMaskPaths?.length ?? 0), 0)).toBe(6369)
    expect(scan.notes[0]).toMatch(/stage1_train/)
  })

  it('reports bad DSB samples by file and keeps the others', async () => {
    const ids = oneIdPerGroup()
    const root = await copyDsbSamples(ids)
    dirs.push(root)
    const [a, b, c, d] = ids
    await rm(join(root, a, 'masks'), { recursive: true })
    await writeFile(join(root, a, 'masks'), 'a file where a folder is expected')
    await rm(join(root, b, 'masks'), { recursive: true })
    await symlink(join(root, 'missing'), join(root, b, 'masks'))
    await writeFile(join(root, c, 'masks', 'readme.txt'), 'not an image')
    await rm(join(root, d, 'masks'), { recursive: true })
    await mkdir(join(root, d, 'masks'))
    await cp(join(root, c, 'images', `${c}.png`), join(root, 'copied-in.png'))
    // chmod 000 blocks reading only when not root; as root this part is checked as "readable"
    const blocked = await chmodBlocksReads(root)
    const e = ids[4]
    if (blocked) await chmod(join(root, e, 'masks'), 0o000)
    const scan = await scanDataset(root)
    if (blocked) await chmod(join(root, e, 'masks'), 0o755)
    const byFile = Object.fromEntries(scan.problems.map((p) => [p.file, p.reason]))
    expect(byFile[join(root, a, 'masks')]).toBe('masks is a file, not a folder')
    expect(byFile[join(root, b, 'masks')]).toMatch(
      /^symbolic link that cannot be followed \(ENOENT\)$/
    )
    expect(byFile[join(root, c, 'masks', 'readme.txt')]).toMatch(/not an image file/)
    expect(byFile[join(root, d, 'masks')]).toBe('no mask files')
    expect(byFile[join(root, 'copied-in.png')]).toMatch(
      /^an image beside the sample folders is not read: a DSB2018 sample is <id>\/images\/<id>.png/
    )
    if (blocked) expect(byFile[join(root, e)]).toMatch(/cannot read folder .*EACCES/)
    const kept = ids
      .filter((id) => ![a, b, d, ...(blocked ? [e] : [])].includes(id))
      .sort(naturalCompare)
    expect(scan.samples.map((s) => s.id)).toEqual(kept)
  })

  it('names the folder when the dataset folder itself cannot be read', async () => {
    const dir = await tempDir('notdir')
    dirs.push(dir)
    await writeFile(join(dir, 'file'), 'x')
    await expect(scanDataset(join(dir, 'file'))).rejects.toThrow(
      /cannot read folder .*file: ENOTDIR/
    )
    await expect(scanDataset(join(dir, 'missing'))).rejects.toThrow(/cannot read folder .*: ENOENT/)
  })
})
