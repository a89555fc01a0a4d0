import { describe, expect, it } from 'vitest'
import { toRgba } from '../../../../src-renderer/src/components/panels/preview-pixels'
import { base64ToBytes } from '../../../../src-renderer/src/lib/base64'

const px = (...v: number[]) => Uint8Array.from(v)

describe('preview pixels', () => {
  it('draws the base64 raw bytes a preview event carries', () => {
    const b64 = btoa(String.fromCharCode(0, 1, 1, 0))
    const label = toRgba(base64ToBytes(b64), 2, 2, 1)
    expect([label[0], label[4], label[7]]).toEqual([0, 255, 255])
  })

  it('scales 0/1 labels to black/white and brightens a dim image with a capped gain', () => {
    const label = toRgba(px(0, 1, 1, 0), 2, 2, 1)
    expect([label[0], label[4], label[7]]).toEqual([0, 255, 255])
    const image = toRgba(px(10, 20, 30, 40), 2, 2, 1)
    expect([image[0], image[12]]).toEqual([64, 255])
    const rgb = toRgba(px(10, 10, 10, 50, 50, 50), 2, 1, 3)
    expect([rgb[0], rgb[4], rgb[5], rgb[6]]).toEqual([51, 255, 255, 255])
    const noise = toRgba(px(6, 12), 2, 1, 1)
    expect([noise[0], noise[4]]).toEqual([48, 96])
  })
})
