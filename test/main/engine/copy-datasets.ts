import { cp, mkdir, mkdtemp } from 'node:fs/promises'
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SHARED } from '../data/support'

/** Copy the first `n` DSB2018 samples of a group into a temp folder (DSB layout). */
export async function copyDsb(n: number, group = 'fluorescence-256'): Promise<string> {
  const root = join(SHARED, 'dsb2018')
  const rows = readFileSync(join(root, 'samples.csv'), 'utf8').trim().split('\n').slice(1)
  const ids = rows
    .map((l) => l.split(','))
    .filter((r) => r[1] === group)
    .slice(0, n)
    .map((r) => r[0])
  const dir = await mkdtemp(join(tmpdir(), 'unet-dsb-'))
  for (const id of ids) await cp(join(root, 'stage1_train', id), join(dir, id), { recursive: true })
  return dir
}

/** Copy ISBI 2012 sections `from..to` (images/ + masks/) into a temp folder. */
export async function copyIsbi(sections: number[]): Promise<string> {
  const root = join(SHARED, 'isbi2012-em')
  const dir = await mkdtemp(join(tmpdir(), 'unet-isbi-'))
  for (const sub of ['images', 'masks']) {
    await mkdir(join(dir, sub))
    for (const s of sections) await cp(join(root, sub, `${s}.png`), join(dir, sub, `${s}.png`))
  }
  return dir
}

/** Copy the first `n` CamVid frames (images/ + masks/ with class indices, 11 = void) and classes.csv. */
export async function copyCamvid(n: number): Promise<string> {
  const root = join(SHARED, 'camvid-segnet')
  const names = readdirSync(join(root, 'images')).sort().slice(0, n)
  const dir = await mkdtemp(join(tmpdir(), 'unet-camvid-'))
  for (const sub of ['images', 'masks']) {
    await mkdir(join(dir, sub))
    for (const name of names) await cp(join(root, sub, name), join(dir, sub, name))
  }
  await cp(join(root, 'classes.csv'), join(dir, 'classes.csv'))
  return dir
}
