import { tf } from '../../backend/tf'
import { Builder, widthAt, type ModelConfig } from '../blocks'

/**
 * UNet++ (Zhou 2018): nested dense skips. Node X[i][j] = conv(concat(X[i][0..j-1], up(X[i+1][j-1]))).
 * With deep supervision the model has one head per X[0][j], j = 1..depth (last = final output).
 */
export function createUnetpp(cfg: ModelConfig): tf.LayersModel {
  const b = new Builder(cfg)
  const input = b.input()
  const X: tf.SymbolicTensor[][] = []
  let x = input
  for (let i = 0; i <= cfg.depth; i++) {
    if (i > 0) x = b.pool(x, `x${i}_0_pool`)
    const drop = i >= cfg.depth - 1 ? cfg.dropout : 0
    x = b.doubleConv(x, widthAt(cfg, i), `x${i}_0`, drop)
    X.push([x])
  }
  for (let j = 1; j <= cfg.depth; j++) {
    for (let i = 0; i + j <= cfg.depth; i++) {
      const up = b.up(X[i + 1][j - 1], widthAt(cfg, i), `x${i}_${j}_up`)
      const cat = b.concat([...X[i].slice(0, j), up], `x${i}_${j}_cat`)
      X[i].push(b.doubleConv(cat, widthAt(cfg, i), `x${i}_${j}`))
    }
  }
  const outputs = cfg.deepSupervision
    ? X[0].slice(1).map((node, k) => b.head(node, k === cfg.depth - 1 ? 'head' : `head${k + 1}`))
    : b.head(X[0][cfg.depth], 'head')
  return tf.model({ inputs: input, outputs, name: 'unetpp' })
}
