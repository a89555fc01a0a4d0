import { tf } from './tf'

/** The parts of a tfjs tape node this module touches. */
interface TapeNode {
  outputs: tf.Tensor[]
  saved?: tf.Tensor[]
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>
}

/** tfjs's Engine internals used here (not in its public typings). */
interface EngineInternals {
  state: { gradientDepth: number; activeTape: TapeNode[] | null }
  addTapeNode(...args: unknown[]): void
  gradients(f: unknown, xs: tf.Tensor[], dy?: tf.Tensor, allowNoGradients?: boolean): unknown
}

const installed = new WeakSet<object>()

/** Off: tfjs frees the backward pass's tensors at its end, as it does by itself (comparisons). */
export const earlyReleaseOptions = { enabled: true }

/**
 * Makes tfjs free each tensor of a backward pass as soon as the tape walk is done with it, instead
 * of at the end of the pass: once a node's gradient has run (nodes run in reverse order, so every
 * consumer of its outputs has run before), the gradients of its outputs and the tensors it saved
 * for the backward pass are disposed, unless a gradient was handed on unchanged (it may then stand
 * for other tensors too), is the gradient of one of the `xs` asked for, or is the caller's `dy`. A U-Net's backward pass then holds the
 * activations still to be walked and the gradients at its frontier, not every gradient of the
 * step. The values are unchanged; only first-order gradients (the training step) take this path.
 */
export function installEarlyRelease(): void {
  const engine = tf.engine() as unknown as EngineInternals
  if (installed.has(engine)) return
  installed.add(engine)
  const addTapeNode = engine.addTapeNode.bind(engine)
  const gradients = engine.gradients.bind(engine)
  /** While a top-level gradients() call runs: tensors that must outlive their node. */
  let keep: { xs: Set<number>; dy?: tf.Tensor; handedOn: Set<tf.Tensor> } | null = null
  let pending: (() => void) | null = null
  const flush = (): void => {
    const release = pending
    pending = null
    release?.()
  }
  engine.addTapeNode = (...args: unknown[]) => {
    addTapeNode(...args)
    const tape = engine.state.activeTape
    const node = tape?.[tape.length - 1]
    const gradient = node?.gradient
    if (!node || !gradient) return
    node.gradient = (dys) => {
      const scope = keep
      if (scope === null || engine.state.gradientDepth !== 0) return gradient(dys)
      flush()
      const result = gradient(dys)
      const wrapped: Record<string, () => tf.Tensor> = {}
      for (const [name, f] of Object.entries(result)) {
        wrapped[name] = () => {
          const dx = f()
          // A gradient handed on unchanged may now stand for other tensors too: kept to the end.
          if (dys.includes(dx)) scope.handedOn.add(dx)
          return dx
        }
      }
      pending = () => {
        dys.forEach((dy, i) => {
          if (!dy || scope.handedOn.has(dy) || dy === scope.dy) return
          if (!scope.xs.has(node.outputs[i].id)) dy.dispose()
        })
        for (const t of node.saved ?? []) t.dispose()
      }
      return wrapped
    }
  }
  engine.gradients = (f, xs, dy, allowNoGradients) => {
    if (!earlyReleaseOptions.enabled || engine.state.gradientDepth !== 0 || keep !== null) {
      return gradients(f, xs, dy, allowNoGradients)
    }
    keep = { xs: new Set(xs.map((x) => x.id)), dy, handedOn: new Set() }
    try {
      return gradients(f, xs, dy, allowNoGradients)
    } finally {
      flush()
      keep = null
    }
  }
}
