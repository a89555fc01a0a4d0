import { tf } from '../backend/tf'
import { Activation } from './activation-layer'
import { BatchNorm } from './batch-norm-layer'
import { Conv } from './conv-layer'

/** Architecture settings shared by every model kind. */
export interface ModelConfig {
  arch: 'unet' | 'unetpp'
  /** Input channels. */
  channels: number
  /** Output channels: 1 for binary (sigmoid on logits), C for multi-class (softmax). */
  classes: number
  base: number
  depth: number
  batchNorm: boolean
  dropout: number
  upsample: 'bilinear' | 'transpose'
  deepSupervision: boolean
  /** Seed for the weight initialisers. */
  seed: number
}

type Sym = tf.SymbolicTensor

/** Builds layers with unique names and seeded initialisers. */
export class Builder {
  private n = 0
  constructor(private readonly cfg: ModelConfig) {}

  private init() {
    return tf.initializers.heNormal({ seed: this.cfg.seed + this.n++ })
  }

  /** 3x3 conv (+ BN) + ReLU, twice; dropout after when asked. */
  doubleConv(x: Sym, filters: number, name: string, dropout = 0): Sym {
    for (const k of [1, 2]) {
      x = new Conv({
        filters,
        kernelSize: 3,
        padding: 'same',
        kernelInitializer: this.init(),
        name: `${name}_conv${k}`
      }).apply(x) as Sym
      if (this.cfg.batchNorm) {
        x = new BatchNorm({ momentum: 0.9, epsilon: 1e-5, name: `${name}_bn${k}` }).apply(x) as Sym
      }
      x = new Activation({ activation: 'relu', name: `${name}_relu${k}` }).apply(x) as Sym
    }
    if (dropout > 0) x = tf.layers.dropout({ rate: dropout, name: `${name}_drop` }).apply(x) as Sym
    return x
  }

  /** 2x2 max-pool. */
  pool(x: Sym, name: string): Sym {
    return tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name }).apply(x) as Sym
  }

  /**
   * x2 upsampling: bilinear as the stock `UpSampling2D` layer (so the model loads in plain
   * TensorFlow.js), or a 2x2 transposed conv to `filters`.
   */
  up(x: Sym, filters: number, name: string): Sym {
    if (this.cfg.upsample === 'bilinear')
      return tf.layers
        .upSampling2d({ size: [2, 2], interpolation: 'bilinear', name })
        .apply(x) as Sym
    return tf.layers
      .conv2dTranspose({
        filters,
        kernelSize: 2,
        strides: 2,
        padding: 'same',
        kernelInitializer: this.init(),
        name
      })
      .apply(x) as Sym
  }

  /** Channel concatenation. */
  concat(xs: Sym[], name: string): Sym {
    return tf.layers.concatenate({ axis: -1, name }).apply(xs) as Sym
  }

  /** 1x1 conv head giving logits. */
  head(x: Sym, name: string): Sym {
    return tf.layers
      .conv2d({
        filters: this.cfg.classes,
        kernelSize: 1,
        kernelInitializer: tf.initializers.glorotUniform({ seed: this.cfg.seed + this.n++ }),
        name
      })
      .apply(x) as Sym
  }

  /** The image input, any height and width (multiples of 2^depth). */
  input(): Sym {
    return tf.input({ shape: [null, null, this.cfg.channels], name: 'image' })
  }
}

/** Filters at a level: base * 2^level. */
export function widthAt(cfg: ModelConfig, level: number): number {
  return cfg.base * 2 ** level
}
