import { describe, expect, it } from 'vitest'
import { toBytes, toRgba } from '../../../../src-renderer/src/components/panels/preview-pixels'

describe('preview pixels', () => {
  it('decodes base64, arrays and the index-keyed objects a Uint8Array becomes in JSON', () => {
    const bytes = [0, 1, 200]
    expect([...toBytes(btoa(String.fromCharCode(...bytes)))]).toEqual(bytes)
    expect([...toBytes(bytes)]).toEqual(bytes)
    expect([...toBytes(JSON.parse(JSON.stringify(Uint8Array.from(bytes))))]).toEqual(bytes)
  })

  it('scales 0/1 labels to black/white and brightens a dim image with a capped gain', () => {
    const label = toRgba([0, 1, 1, 0], 2, 2, 1)
    expect([label[0], label[4], label[7]]).toEqual([0, 255, 255])
    const image = toRgba([10, 20, 30, 40], 2, 2, 1)
    expect([image[0], image[12]]).toEqual([64, 255])
    const rgb = toRgba([10, 10, 10, 50, 50, 50], 2, 1, 3)
    expect([rgb[0], rgb[4], rgb[5], rgb[6]]).toEqual([51, 255, 255, 255])
    const noise = toRgba([6, 12], 2, 1, 1)
    expect([noise[0], noise[4]]).toEqual([48, 96])
  })
})
