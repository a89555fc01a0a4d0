import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { tf } from '../../../../src-main/engine/backend/tf'

describe('wasm Identity and same-dtype Cast share data', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it('keeps the values after the source is disposed, and frees the data with the last one', async () => {
    const before = tf.memory()
    const a = tf.tensor([1.5, -2, 3, 4], [2, 2])
    const b = tf.clone(a)
    const c = tf.cast(a, 'float32')
    a.dispose()
    expect(Array.from(await b.data())).toEqual([1.5, -2, 3, 4])
    b.dispose()
    expect(Array.from(await c.data())).toEqual([1.5, -2, 3, 4])
    c.dispose()
    expect(tf.memory().numTensors).toBe(before.numTensors)
    expect(tf.memory().numBytes).toBe(before.numBytes)
  })

  it('still converts between dtypes', async () => {
    const a = tf.tensor([1.7, -2.2, 0, 3])
    const i = tf.cast(a, 'int32')
    const b = tf.cast(tf.tensor([true, false, true], undefined, 'bool'), 'float32')
    expect(Array.from(await i.data())).toEqual([1, -2, 0, 3])
    expect(Array.from(await b.data())).toEqual([1, 0, 1])
    tf.dispose([a, i, b])
  })

  it('a variable assigned a clone does not change the clone', async () => {
    const v = tf.variable(tf.tensor([1, 2, 3]))
    const copy = tf.clone(v)
    v.assign(tf.tensor([7, 8, 9]))
    expect(Array.from(await copy.data())).toEqual([1, 2, 3])
    expect(Array.from(await v.data())).toEqual([7, 8, 9])
    tf.dispose([v, copy])
  })
})
