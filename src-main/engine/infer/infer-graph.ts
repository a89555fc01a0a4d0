/**
 * An inference-only forward pass built from a trained LayersModel's weights: each conv followed by
 * BatchNormalization gets the (inference-mode) BN folded into its weights and bias,
 * w' = w·γ/√(var+ε), b' = β + (b − mean)·γ/√(var+ε), and a following ReLU fused into the conv
 * (`tf.fused.conv2d`: on wasm one Winograd convolution whose filter transform is kept after its
 * first use, or one XNNPACK convolution). Intermediates are freed as soon as their
 * last consumer has run. Models with layers it does not know get `null` (use `model.predict`).
 */
import { keepFilterTransforms } from '../kernels/conv2d-winograd'
import { tf } from '../backend/tf'

type Act = 'linear' | 'relu' | 'sigmoid'
type Run = (xs: tf.Tensor[]) => tf.Tensor

interface LayerConfig {
  name: string
  className: string
  config: Record<string, unknown>
  inboundNodes: [string, number, number, unknown][][]
}

interface Op {
  name: string
  inputs: string[]
  run: Run
}

/** A compiled inference forward; `dispose` frees the folded weights. */
export interface InferGraph {
  /** Runs the model in inference mode on an NHWC batch; returns the (first) output. */
  predict(x: tf.Tensor4D): tf.Tensor
  dispose(): void
  /** How many BatchNorm layers were folded and activations fused (for reports and tests). */
  folded: { batchNorms: number; activations: number }
}

const FUSABLE: Record<string, Act> = { linear: 'linear', relu: 'relu', sigmoid: 'sigmoid' }

function activate(x: tf.Tensor, act: string): tf.Tensor {
  if (act === 'linear') return x
  if (act === 'relu') return tf.relu(x)
  if (act === 'sigmoid') return tf.sigmoid(x)
  if (act === 'softmax') return tf.softmax(x)
  throw new Error(`activation ${act}`)
}

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? v : [v, v]) as [number, number]

/** BN as a per-channel scale and shift (inference mode). */
function bnAffine(layer: tf.layers.Layer, cfg: Record<string, unknown>): [tf.Tensor, tf.Tensor] {
  const w = layer.getWeights()
  let i = 0
  const gamma = cfg.scale !== false ? w[i++] : null
  const beta = cfg.center !== false ? w[i++] : null
  const [mean, variance] = [w[i], w[i + 1]]
  const eps = Number(cfg.epsilon ?? 1e-3)
  const scale = tf.rsqrt(tf.add(variance, eps))
  const s = gamma ? tf.mul(scale, gamma) : scale
  const shift = tf.neg(tf.mul(mean, s))
  return [s, beta ? tf.add(shift, beta) : shift]
}

/** Builds the inference graph, or returns null if the model has a layer it cannot run. */
export function buildInferGraph(model: tf.LayersModel): InferGraph | null {
  const config = model.getConfig() as unknown as {
    layers: LayerConfig[]
    inputLayers: [string, number, number][]
    outputLayers: [string, number, number][]
  }
  if (config.inputLayers.length !== 1) return null
  const layers = config.layers
  if (layers.some((l) => l.inboundNodes.length > 1)) return null
  const inputsOf = (l: LayerConfig): string[] => (l.inboundNodes[0] ?? []).map((n) => n[0])
  const consumers = new Map<string, string[]>()
  for (const l of layers) {
    for (const src of inputsOf(l)) consumers.set(src, [...(consumers.get(src) ?? []), l.name])
  }
  const outputs = config.outputLayers.map((o) => o[0])
  const byName = new Map(layers.map((l) => [l.name, l]))
  const only = (name: string, className: string): LayerConfig | null => {
    const c = consumers.get(name) ?? []
    if (c.length !== 1 || outputs.includes(name)) return null
    const next = byName.get(c[0])!
    return next.className === className ? next : null
  }
  const kept: tf.Tensor[] = []
  const keep = <T extends tf.Tensor>(t: T): T => {
    kept.push(tf.keep(t))
    return t
  }
  const transforms: { dispose(): void }[] = []
  const release = (): void => {
    tf.dispose(kept)
    for (const t of transforms) t.dispose()
  }
  const alias = new Map<string, string>()
  const absorbed = new Set<string>()
  const folded = { batchNorms: 0, activations: 0 }
  const ops: Op[] = []
  const inputName = config.inputLayers[0][0]
  try {
    for (const l of layers) {
      if (absorbed.has(l.name) || l.name === inputName) continue
      const layer = model.getLayer(l.name)
      const c = l.config
      const inputs = inputsOf(l)
      let run: Run
      let name = l.name
      switch (l.className) {
        case 'Conv2D': {
          if ((c.dataFormat ?? 'channelsLast') !== 'channelsLast') return null
          const [kernel, bias0] = layer.getWeights()
          let act = String(c.activation ?? 'linear')
          const filters = kernel.shape[3]!
          let filter: tf.Tensor4D
          let bias: tf.Tensor1D
          const bn = act === 'linear' ? only(l.name, 'BatchNormalization') : null
          const ok = bn && [-1, 3].includes(Number(bn.config.axis ?? -1))
          tf.tidy(() => {
            const b = c.useBias !== false ? bias0 : tf.zeros([filters])
            if (bn && ok) {
              const [s, shift] = bnAffine(model.getLayer(bn.name), bn.config)
              filter = keep(tf.mul(kernel, s) as tf.Tensor4D)
              bias = keep(tf.add(tf.mul(b, s), shift) as tf.Tensor1D)
            } else {
              filter = keep(tf.clone(kernel) as tf.Tensor4D)
              bias = keep(tf.clone(b) as tf.Tensor1D)
            }
          })
          const unit = [...pair(c.strides ?? 1), ...pair(c.dilationRate ?? 1)].every((v) => v === 1)
          const transformed = unit && c.padding === 'same' ? keepFilterTransforms(filter!) : null
          if (transformed) transforms.push(transformed)
          if (bn && ok) {
            absorbed.add(bn.name)
            alias.set(l.name, bn.name)
            name = bn.name
            folded.batchNorms++
          }
          const relu = act === 'linear' ? only(name, 'Activation') : null
          if (relu && FUSABLE[String(relu.config.activation)] !== undefined) {
            act = String(relu.config.activation)
            absorbed.add(relu.name)
            alias.set(name, relu.name)
            name = relu.name
            folded.activations++
          }
          const fusedAct = FUSABLE[act]
          const opts = {
            strides: pair(c.strides ?? 1),
            pad: String(c.padding ?? 'valid') as 'same' | 'valid',
            dilations: pair(c.dilationRate ?? 1)
          }
          run = ([x]) =>
            fusedAct !== undefined
              ? tf.fused.conv2d({
                  x: x as tf.Tensor4D,
                  filter,
                  bias,
                  activation: fusedAct,
                  ...opts
                })
              : activate(tf.fused.conv2d({ x: x as tf.Tensor4D, filter, bias, ...opts }), act)
          break
        }
        case 'Conv2DTranspose': {
          if ((c.dataFormat ?? 'channelsLast') !== 'channelsLast') return null
          const [k0, b0] = layer.getWeights()
          const kernel = keep(tf.clone(k0) as tf.Tensor4D)
          const bias = c.useBias !== false ? keep(tf.clone(b0)) : null
          const [sh, sw] = pair(c.strides ?? 1)
          const [kh, kw] = pair(c.kernelSize)
          const same = c.padding === 'same'
          const act = String(c.activation ?? 'linear')
          const len = (n: number, s: number, k: number) =>
            same ? n * s : n * s + Math.max(k - s, 0)
          run = ([x]) =>
            tf.tidy(() => {
              const [n, h, w] = x.shape as number[]
              const shape: [number, number, number, number] = [
                n,
                len(h, sh, kh),
                len(w, sw, kw),
                kernel.shape[2]
              ]
              const y = tf.conv2dTranspose(
                x as tf.Tensor4D,
                kernel,
                shape,
                [sh, sw],
                same ? 'same' : 'valid'
              )
              return activate(bias ? tf.add(y, bias) : y, act)
            })
          break
        }
        case 'BatchNormalization': {
          const [s, shift] = tf.tidy(() => bnAffine(layer, c).map((t) => keep(t)))
          run = ([x]) => tf.tidy(() => tf.add(tf.mul(x, s), shift))
          break
        }
        case 'Activation': {
          const act = String(c.activation)
          if (act !== 'softmax' && FUSABLE[act] === undefined) return null
          run = ([x]) => activate(x, act)
          break
        }
        case 'MaxPooling2D': {
          const pool = pair(c.poolSize ?? 2)
          const strides = pair(c.strides ?? pool)
          const pad = String(c.padding ?? 'valid') as 'same' | 'valid'
          run = ([x]) => tf.maxPool(x as tf.Tensor4D, pool, strides, pad)
          break
        }
        case 'UpSampling2D': {
          if ((c.dataFormat ?? 'channelsLast') !== 'channelsLast') return null
          const [sh, sw] = pair(c.size ?? 2)
          const bilinear = c.interpolation === 'bilinear'
          run = ([x]) => {
            const size: [number, number] = [x.shape[1]! * sh, x.shape[2]! * sw]
            return bilinear
              ? tf.image.resizeBilinear(x as tf.Tensor4D, size)
              : tf.image.resizeNearestNeighbor(x as tf.Tensor4D, size)
          }
          break
        }
        case 'BilinearUpsample':
          run = ([x]) =>
            tf.image.resizeBilinear(x as tf.Tensor4D, [x.shape[1]! * 2, x.shape[2]! * 2], true)
          break
        case 'Concatenate':
          if (![-1, 3].includes(Number(c.axis ?? -1))) return null
          run = (xs) => tf.concat(xs, -1)
          break
        case 'Dropout':
          run = ([x]) => tf.clone(x)
          break
        default:
          return null
      }
      ops.push({ name, inputs, run })
    }
  } catch (error) {
    release()
    throw error
  }
  if (ops.length === 0) {
    release()
    return null
  }
  const resolveName = (n: string): string => {
    while (alias.has(n)) n = alias.get(n)!
    return n
  }
  for (const op of ops) op.inputs = op.inputs.map(resolveName)
  const output = resolveName(outputs[0])
  const uses = new Map<string, number>()
  for (const op of ops) for (const i of op.inputs) uses.set(i, (uses.get(i) ?? 0) + 1)
  return {
    folded,
    dispose: release,
    predict(x: tf.Tensor4D): tf.Tensor {
      const values = new Map<string, tf.Tensor>([[inputName, x]])
      const left = new Map(uses)
      try {
        for (const op of ops) {
          const y = op.run(op.inputs.map((i) => values.get(i)!))
          values.set(op.name, y)
          for (const i of op.inputs) {
            const n = left.get(i)! - 1
            left.set(i, n)
            if (n === 0 && i !== inputName && i !== output) {
              values.get(i)!.dispose()
              values.delete(i)
            }
          }
        }
        const out = values.get(output)!
        values.delete(output)
        return out
      } finally {
        for (const [k, t] of values) if (k !== inputName) t.dispose()
      }
    }
  }
}
