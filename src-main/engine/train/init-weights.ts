/**
 * Copies an init model's weights into a new run's model, layer by layer (layers are named the
 * same for the same architecture). Every layer of the init model must find its match with the
 * same weight shapes; layers only the new model has (deep-supervision heads missing from a
 * saved best model) keep their fresh initialisation.
 */
import type { tf } from '../backend/tf'
import { loadModel } from '../models/model-io'
import { InitMismatchError, type InitModel } from './init-settings'

/** How many layers were copied, and how many of the new model's kept their initialisation. */
export interface InitCopy {
  copied: number
  fresh: number
}

/** Loads `init`'s weights into `model` (same architecture, checked layer by layer). */
export async function copyInitWeights(model: tf.LayersModel, init: InitModel): Promise<InitCopy> {
  const source = await loadModel(init.weightsDir)
  try {
    let copied = 0
    for (const layer of source.layers) {
      const weights = layer.getWeights()
      if (weights.length === 0) continue
      const target = model.layers.find((l) => l.name === layer.name)
      const shapes = (ws: tf.Tensor[]) => ws.map((w) => w.shape.join('x')).join(',')
      if (!target || shapes(target.getWeights()) !== shapes(weights))
        throw new InitMismatchError(
          `cannot fine-tune from ${init.runDir}: its layer ${layer.name} (${shapes(weights)}) ` +
            `has no match in the new model${target ? ` (${shapes(target.getWeights())})` : ''}`
        )
      target.setWeights(weights)
      copied++
    }
    const withWeights = model.layers.filter((l) => l.getWeights().length > 0).length
    return { copied, fresh: withWeights - copied }
  } finally {
    source.dispose()
  }
}
