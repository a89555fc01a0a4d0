/**
 * A 57-byte PNG whose header claims 50,000 × 50,000 pixels is refused by name on every path
 * that reads images, before any pixel memory is taken: the host's peak RSS stays under 500 MB.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { scanDataset } from '../../src-main/data/dataset'
import { loadSplit } from '../../src-main/engine/train/train-setup'
import { loadPredictor } from '../../src-main/engine/infer/load-predictor'
import { predictFolder } from '../../src-main/engine/infer/predict-folder'
import { readRunConfig } from '../../src-main/engine/run-store'
import { writeThresholdRun } from './engine/infer/fixture-run'
import { SHARED, tempDir } from './data/support'

const ROOT = join(import.meta.dirname, '../..')
const NAMED = /bomb\.png: 50000x50000 image \(2500 megapixels\) is above the limit of 40 megapixels/

/** A PNG chunk: length, type, data, CRC. */
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4)
  head.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([head, body, crc])
}

/** 57 bytes: signature, an IHDR claiming 50,000 × 50,000 8-bit grey, an empty IDAT, IEND. */
function pixelBomb(): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(50_000, 0)
  ihdr.writeUInt32BE(50_000, 4)
  ihdr[8] = 8
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([
    sig,
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.alloc(0)),
    chunk('IEND', Buffer.alloc(0))
  ])
}

let dir: string
let data: string
let host: ChildProcess
let ws: WebSocket
let nextId = 1

function call(channel: string, arg: unknown): Promise<{ result?: unknown; error?: string }> {
  const id = nextId++
  return new Promise((resolve) => {
    const on = (raw: WebSocket.RawData) => {
      const msg = JSON.parse(String(raw))
      if (msg.id !== id) return
      ws.off('message', on)
      resolve(msg)
    }
    ws.on('message', on)
    ws.send(JSON.stringify({ id, channel, arg }))
  })
}

function jobEnd(jobId: string): Promise<{ type: string; result?: unknown; message?: string }> {
  return new Promise((resolve) => {
    const on = (raw: WebSocket.RawData) => {
      const msg = JSON.parse(String(raw))
      if (msg.event !== 'job:event' || msg.payload.jobId !== jobId) return
      const event = msg.payload.event
      if (event.type !== 'done' && event.type !== 'error') return
      ws.off('message', on)
      resolve(event)
    }
    ws.on('message', on)
  })
}

/** Peak resident memory of a process, in MB (Linux). */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024
}

beforeAll(async () => {
  dir = await tempDir('bomb')
  data = join(dir, 'data')
  for (const sub of ['images', 'masks']) {
    await mkdir(join(data, sub), { recursive: true })
    for (const n of ['0', '1', '2'])
      await copyFile(join(SHARED, 'isbi2012-em', sub, `${n}.png`), join(data, sub, `${n}.png`))
    await writeFile(join(data, sub, 'bomb.png'), pixelBomb())
  }
  await mkdir(join(dir, 'web'))
  await writeFile(join(dir, 'web', 'index.html'), '<!doctype html>')
  host = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src-main/server.ts',
      '--port',
      '0',
      '--data',
      data,
      '--static',
      join(dir, 'web')
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }
  )
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    host.stdout!.on('data', (d) => {
      out += d
      const m = /UNet Studio at (http:\S+)/.exec(out)
      if (m) resolve(m[1])
    })
    host.once('exit', (code) => reject(new Error(`host exited (${code})`)))
  })
  const { port, searchParams } = new URL(url)
  ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${searchParams.get('token')}`)
  await new Promise((resolve) => ws.once('open', resolve))
}, 120_000)
afterAll(async () => {
  ws?.close()
  host?.kill()
  await rm(dir, { recursive: true, force: true })
})

describe('a 57-byte PNG claiming 50,000 x 50,000 pixels', () => {
  it('is 57 bytes', () => expect(pixelBomb().length).toBe(57))

  it('gets a named error on every channel of the host, whose RSS stays under 500 MB', async () => {
    const open = (await call('dataset:open', { dir: data })).result as {
      problems: { file: string; reason: string }[]
    }
    expect(open.problems.find((p) => p.file.endsWith('images/bomb.png'))?.reason).toMatch(
      /50000x50000 image .* above the limit/
    )
    for (const [channel, arg] of [
      ['image:read', { root: data, id: 'bomb' }],
      ['label:read', { root: data, id: 'bomb' }],
      ['dataset:thumbnail', { root: data, id: 'bomb', size: 64 }],
      ['file:png', { path: join(data, 'images', 'bomb.png') }]
    ] as const)
      expect((await call(channel, arg)).error, channel).toMatch(NAMED)
    const merge = (await call('merge:start', { root: data, out: join(data, 'merged') })).result as {
      jobId: string
    }
    const end = await jobEnd(merge.jobId)
    const problems = (end.result as { failed: { file: string; reason: string }[] }).failed
    expect(problems.some((p) => NAMED.test(`${p.file}: ${p.reason}`))).toBe(true)
    const peak = await peakRssMb(host.pid!)
    console.info(`host peak RSS ${peak.toFixed(0)} MB`)
    expect(peak).toBeLessThan(500)
  })

  it('gets a named error when training and predicting read it', async () => {
    const scan = await scanDataset(data)
    const logs: string[] = []
    const run = join(dir, 'run')
    await writeThresholdRun(run)
    const config = { ...(await readRunConfig(run)), data, channels: 1, size: 64, resize: false }
    const split = await loadSplit(
      { ...config, split: { train: ['0', 'bomb'], val: ['1'] } },
      scan.samples,
      (m) => logs.push(m)
    )
    expect(split.train).toHaveLength(1)
    expect(logs.some((l) => /^skipped bomb: .*50000x50000 image .* above the limit/.test(l))).toBe(
      true
    )
    const predictor = await loadPredictor(run)
    const summary = await predictFolder(predictor, {
      input: join(data, 'images'),
      out: join(dir, 'predicted'),
      overlay: false
    })
    predictor.model.dispose()
    expect(summary.done).toBe(3)
    expect(summary.problems).toEqual([
      { file: join(data, 'images', 'bomb.png'), reason: expect.stringMatching(NAMED) }
    ])
  })
})
