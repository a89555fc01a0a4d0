/**
 * The app's name and version from its package.json, found from this file upward, so the CLI, the
 * job worker (source or bundled) and the hosts all report the same version.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** What {@link appVersion} says when no package.json of the app is found. */
export const UNKNOWN_VERSION = '0.0.0-unknown'

let cached: string | null = null

/** The version in the app's package.json (`name` unet-studio), searched upward from here. */
export function appVersion(): string {
  if (cached) return cached
  let dir = import.meta.dirname
  for (let i = 0; i < 6; i++) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'unet-studio' && pkg.version) return (cached = pkg.version)
    }
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return (cached = UNKNOWN_VERSION)
}
