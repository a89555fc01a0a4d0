/**
 * The per-user app data folder (model library, evaluations of shipped models). Electron passes
 * its `userData` path; the web host and the CLI use {@link defaultDataDir}. The environment
 * variable {@link DATA_DIR_ENV} overrides both (tests point it at a temp folder).
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** Environment variable naming the app data folder. */
export const DATA_DIR_ENV = 'UNET_STUDIO_DATA'

/** The app's folder name inside the platform's data folder. */
export const APP_DIR_NAME = 'unet-studio'

/**
 * The app data folder: `$UNET_STUDIO_DATA`, else on Linux `$XDG_DATA_HOME/unet-studio` or
 * `~/.local/share/unet-studio`, on macOS `~/Library/Application Support/unet-studio`, on
 * Windows `%APPDATA%\unet-studio`.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir()
): string {
  if (env[DATA_DIR_ENV]) return resolve(env[DATA_DIR_ENV])
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME)
  if (platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME)
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), APP_DIR_NAME)
}

/** The folder the host uses: the environment override, else what the shell says, else the default. */
export function dataDirFor(shellDefault?: string): string {
  if (process.env[DATA_DIR_ENV]) return resolve(process.env[DATA_DIR_ENV])
  return shellDefault ?? defaultDataDir()
}
