import { tf } from '../../backend/tf'
import { Builder, widthAt, type ModelConfig } from '../blocks'

/**
 * U-Net (Ronneberger 2015): double 3x3 conv (+BN) + ReLU per level, 2x2 max-pool down,
 * x2 up, skip concatenation, double conv, 1x1 head. Dropout (if any) after the two deepest blocks.
 */
export function createUnet(cfg: ModelConfig): tf.LayersModel {
  const b = new Builder(cfg)
  const input = b.input()
  const skips: tf.SymbolicTensor[] = []
  let x = input
  for (let level = 0; level <= cfg.depth; level++) {
    if (level > 0) x = b.pool(x, `down${level}_pool`)
    const drop = level >= cfg.depth - 1 ? cfg.dropout : 0
    x = b.doubleConv(x, widthAt(cfg, level), `down${level}`, drop)
    skips.push(x)
  }
  skips.pop()
  for (let level = cfg.depth - 1; level >= 0; level--) {
    const up = b.up(x, widthAt(cfg, level), `up${level}_up`)
    x = b.concat([skips.pop()!, up], `up${level}_cat`)
    x = b.doubleConv(x, widthAt(cfg, level), `up${level}`)
  }
  return tf.model({ inputs: input, outputs: b.head(x, 'head'), name: 'unet' })
}
