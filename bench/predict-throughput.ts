/**
 * Whole-folder prediction throughput: the app's overlap-tile `predictImage` with the yardstick
 * architecture (1 input channel) over the ISBI 2012 EM images, in images per second.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { readImage } from '../src-main/data/image-io'
import { predictImage, type FloatImage } from '../src-main/engine/predict/predict-image'
import { yardstickModel, type YardstickSettings } from './yardstick'

/** Tile side used for prediction (the training patch size). */
export const DEFAULT_PREDICT_TILE = 96

/** Predicts the first `limit` images of `dir`; returns images/s and the image size seen. */
export async function predictThroughput(
  dir: string,
  s: YardstickSettings,
  limit: number
): Promise<{ images: number; seconds: number; imagesPerSecond: number; size: string }> {
  const files = readdirSync(dir)
    .filter((f) => /\.(png|tiff?|jpe?g)$/i.test(f))
    .sort()
    .slice(0, limit)
  const { model } = yardstickModel({ ...s, channels: 1 })
  const predictor = {
    model,
    channels: 1,
    classes: 1,
    divisor: 2 ** s.depth,
    activation: 'sigmoid' as const
  }
  let size = ''
  const start = performance.now()
  for (const file of files) {
    const raw = await readImage(join(dir, file))
    const data = new Float32Array(raw.width * raw.height)
    const scale = raw.bitDepth === 16 ? 65535 : 255
    for (let i = 0; i < data.length; i++) data[i] = raw.data[i * raw.channels] / scale
    const image: FloatImage = { data, width: raw.width, height: raw.height, channels: 1 }
    size = `${raw.width}x${raw.height}`
    await predictImage(predictor, image, { tile: DEFAULT_PREDICT_TILE, batchSize: s.batch })
  }
  const seconds = (performance.now() - start) / 1000
  model.dispose()
  return { images: files.length, seconds, imagesPerSecond: files.length / seconds, size }
}
