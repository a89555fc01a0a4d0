import { createHash } from 'node:crypto'
import { cp, mkdir, mkdtemp, readdir, readFile, readlink, lstat } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import sharp from 'sharp'

/** The shared real datasets (read-only; tests copy what they use). */
export const SHARED = join(import.meta.dirname, '../../../../shared/datasets')
export const DSB = join(SHARED, 'dsb2018')

/** DSB2018 rows of samples.csv: id, group, width, height, mask count. */
export function dsbRows(): { id: string; group: string; masks: number }[] {
  const lines = readFileSync(join(DSB, 'samples.csv'), 'utf8').trim().split('\n').slice(1)
  return lines.map((l) => {
    const c = l.split(',')
    return { id: c[0], group: c[1], masks: Number(c[c.length - 1]) }
  })
}

/** A new temp folder. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `unet-${prefix}-`))
}

/** Copy these DSB samples into `<dir>/<id>/` (DSB layout) and return `dir`. */
export async function copyDsbSamples(ids: string[], dir?: string): Promise<string> {
  const root = dir ?? (await tempDir('dsb'))
  await mkdir(root, { recursive: true })
  for (const id of ids) await cp(join(DSB, 'stage1_train', id), join(root, id), { recursive: true })
  return root
}

/** One sample id of each DSB group, spread over the set. */
export function oneIdPerGroup(): string[] {
  const seen = new Map<string, string>()
  for (const r of dsbRows()) if (!seen.has(r.group)) seen.set(r.group, r.id)
  return [...seen.values()]
}

/** Decode the first channel of an image file with sharp (8- or 16-bit kept). */
export async function decodeFirstChannel(path: string) {
  const meta = await sharp(path).metadata()
  const sixteen = meta.depth === 'ushort'
  const { data, info } = await sharp(path)
    .extractChannel(0)
    .toColourspace(sixteen ? 'grey16' : 'b-w')
    .raw({ depth: sixteen ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true })
  const copy = Buffer.from(data)
  const pixels = sixteen
    ? new Uint16Array(copy.buffer, copy.byteOffset, copy.byteLength / 2)
    : new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength)
  return { data: pixels, width: info.width, height: info.height, channels: meta.channels }
}

/** sha256 of every file under `dir` (symlinks by target), keyed by relative path. */
export async function hashTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      const st = await lstat(p)
      if (st.isSymbolicLink()) out[relative(dir, p)] = `link:${await readlink(p)}`
      else if (e.isDirectory()) await walk(p)
      else
        out[relative(dir, p)] = createHash('sha256')
          .update(await readFile(p))
          .digest('hex')
    }
  }
  await walk(dir)
  return out
}

/** Whether chmod 000 really blocks reading a folder here (it does not for root). */
export async function chmodBlocksReads(dir: string): Promise<boolean> {
  const { chmod, mkdir: mk } = await import('node:fs/promises')
  const probe = join(dir, '.chmod-probe')
  await mk(probe)
  await chmod(probe, 0o000)
  const blocked = await readdir(probe).then(
    () => false,
    () => true
  )
  await chmod(probe, 0o755)
  return blocked
}
