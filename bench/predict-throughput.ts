/**
 * Whole-folder prediction throughput: the app's overlap-tile `predictImage` (through the inference
 * graph, as loaded predictors run) with the yardstick architecture (1 input channel) over the
 * ISBI 2012 EM images, in images per second, with the old 96 px tiles and the default largest tile.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { readImage } from '../src-main/data/image-io'
import { buildInferGraph } from '../src-main/engine/infer/infer-graph'
import { DEFAULT_PREDICT_TILE } from '../src-main/engine/infer/load-predictor'
import { predictImage, type FloatImage } from '../src-main/engine/infer/predict-image'
import { yardstickModel, type YardstickSettings } from './yardstick'

/** Tile sides compared: the training patch size (the old default) and today's default. */
export const PREDICT_TILES = [96, DEFAULT_PREDICT_TILE]

/** Throughput with one largest tile side. */
export interface PredictRate {
  tile: number
  images: number
  seconds: number
  imagesPerSecond: number
}

/** Predicts the first `limit` images of `dir` once per tile side; returns images/s per tile. */
export async function predictThroughput(
  dir: string,
  s: YardstickSettings,
  limit: number
): Promise<{ size: string; rates: PredictRate[] }> {
  const files = readdirSync(dir)
    .filter((f) => /\.(png|tiff?|jpe?g)$/i.test(f))
    .sort()
    .slice(0, limit)
  const { model } = yardstickModel({ ...s, channels: 1 })
  const graph = buildInferGraph(model)
  const predictor = {
    model,
    channels: 1,
    classes: 1,
    divisor: 2 ** s.depth,
    activation: 'sigmoid' as const,
    forward: graph ? graph.predict.bind(graph) : undefined
  }
  let size = ''
  const images: FloatImage[] = []
  for (const file of files) {
    const raw = await readImage(join(dir, file))
    const data = new Float32Array(raw.width * raw.height)
    const scale = raw.bitDepth === 16 ? 65535 : 255
    for (let i = 0; i < data.length; i++) data[i] = raw.data[i * raw.channels] / scale
    images.push({ data, width: raw.width, height: raw.height, channels: 1 })
    size = `${raw.width}x${raw.height}`
  }
  const rates: PredictRate[] = []
  for (const tile of PREDICT_TILES) {
    const start = performance.now()
    for (const image of images) await predictImage(predictor, image, { tile, batchSize: s.batch })
    const seconds = (performance.now() - start) / 1000
    rates.push({ tile, images: images.length, seconds, imagesPerSecond: images.length / seconds })
  }
  graph?.dispose()
  model.dispose()
  return { size, rates }
}
