// Loads a tfjs layers model folder (model.json + weights) with nothing but the stock
// @tensorflow/tfjs package (no custom layers registered) and prints its prediction for a
// deterministic input as JSON: { layers, shape, values } or { error }.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'

const [dir, h, w, c] = process.argv.slice(2)
try {
  await tf.setBackend('cpu')
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'))
  const specs = json.weightsManifest.flatMap((g) => g.weights)
  const bytes = Buffer.concat(
    await Promise.all(
      json.weightsManifest.flatMap((g) => g.paths.map((p) => readFile(join(dir, p))))
    )
  )
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData })
  )
  const n = Number(h) * Number(w) * Number(c)
  const x = tf.tensor4d(
    Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37)),
    [1, Number(h), Number(w), Number(c)]
  )
  const y = model.predict(x)
  const out = Array.isArray(y) ? y[y.length - 1] : y
  process.stdout.write(
    JSON.stringify({
      layers: [...new Set(model.layers.map((l) => l.getClassName()))],
      shape: out.shape,
      values: Array.from(await out.data())
    }) + '\n'
  )
} catch (err) {
  process.stdout.write(JSON.stringify({ error: String(err.message ?? err) }) + '\n')
}
