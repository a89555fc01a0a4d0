/**
 * Runs the PyTorch CPU yardstick (`../shared/bench/torch_unet_peer.py`, resolved from the repo root)
 * with the same settings, and reads its one JSON line.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { YardstickSettings } from './yardstick'

/** The peer's JSON summary (see torch_unet_peer.py). */
export interface PeerResult {
  torch: string
  threads: number
  params: number
  train_step_ms: number
  infer_batch_ms: number
  /** Peak RSS of the peer process (getrusage after its run, as the recipe peer measures it). */
  peak_rss_mb: number
}

/** Interpreter with Debian's python3-torch. */
export const DEFAULT_PEER_PYTHON = '/usr/bin/python3'

/** Path of the peer script: `<repo>/../shared/bench/torch_unet_peer.py`. */
export function peerScript(repoRoot: string): string {
  return resolve(repoRoot, '..', 'shared', 'bench', 'torch_unet_peer.py')
}

/**
 * Runs a script as `__main__` and then prints its own peak RSS (`ru_maxrss`, as
 * torch_dsb_recipe_peer.py measures itself) as one more JSON line.
 */
const WITH_PEAK_RSS = [
  'import json, resource, runpy, sys',
  'sys.argv = sys.argv[1:]',
  "runpy.run_path(sys.argv[0], run_name='__main__')",
  "print(json.dumps({'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))"
].join('\n')

/** Runs the peer; returns its figures, or why it could not run (with how to fix it). */
export function runPeer(
  repoRoot: string,
  s: YardstickSettings,
  python = DEFAULT_PEER_PYTHON
): { result: PeerResult } | { problem: string } {
  const script = peerScript(repoRoot)
  if (!existsSync(script)) return { problem: `peer script not found: ${script}` }
  if (!existsSync(python)) return { problem: `${python} not found: apt-get install python3-torch` }
  const args = ['--size', s.size, '--base', s.base, '--depth', s.depth, '--batch', s.batch]
  const run = spawnSync(
    python,
    [
      '-c',
      WITH_PEAK_RSS,
      script,
      ...[...args, '--channels', s.channels, '--steps', s.steps].map(String)
    ],
    {
      encoding: 'utf8',
      cwd: join(repoRoot),
      timeout: 30 * 60_000
    }
  )
  if (/No module named .?torch/.test(run.stderr ?? '')) {
    return {
      problem: 'PyTorch is not installed for /usr/bin/python3: apt-get install python3-torch'
    }
  }
  const lines = (run.stdout ?? '').trim().split('\n')
  try {
    const rss = JSON.parse(lines.at(-1) ?? '') as { peak_rss_mb: number }
    return { result: { ...(JSON.parse(lines.at(-2) ?? '') as PeerResult), ...rss } }
  } catch {
    return {
      problem: `peer failed (exit ${run.status}): ${(run.stderr ?? '').trim().split('\n').pop()}`
    }
  }
}
