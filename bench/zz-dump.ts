import sharp from 'sharp'
import { readImage } from '../src-main/data/image-io'
import { initBackend } from '../src-main/engine/backend/init-backend'
import { predictSample } from '../src-main/engine/eval/evaluate'
import { loadPredictor } from '../src-main/engine/infer/load-predictor'
const [run, id, out] = process.argv.slice(2)
await initBackend()
const p = await loadPredictor(run)
const raw = await readImage(`/work/shared/datasets/dsb2018/stage1_train/${id}/images/${id}.png`)
const map = await predictSample(p, raw)
const c = map.channels
const planes: Buffer[] = []
for (let k = 0; k < c; k++) {
  const b = Buffer.alloc(map.width * map.height)
  for (let i = 0; i < b.length; i++) b[i] = Math.round(255 * map.data[i * c + k])
  planes.push(b)
}
await sharp(Buffer.concat(planes.flatMap((pl) => [pl])), { raw: { width: map.width, height: map.height * c, channels: 1 } }).png().toFile(out)
