/** `npm run serve -- [--port N] [--data DIR]`: the app behind a browser UI on 127.0.0.1. */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Command } from 'commander'
import { DEFAULT_MAX_PIXELS, setMaxPixels } from './data/image-header'
import { createHandlers } from './handlers'
import { JobRegistry } from './services/job-service'
import { builtinModelDirs } from './engine/builtin-models'
import { ModelLibrary } from './services/model-library'
import { dataDirFor } from './services/user-data'
import { NOT_BUILT, startWebHost } from './web-host'

const program = new Command()
  .name('unet-studio-serve')
  .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', '8765')
  .option('--data <dir>', 'dataset folder to open when the page loads')
  .option('--static <dir>', 'built renderer folder', 'out/web')
  .option('--max-pixels <n>', `largest image read, in pixels (default ${DEFAULT_MAX_PIXELS})`)
  .parse()

const opts = program.opts<{ port: string; data?: string; static: string; maxPixels?: string }>()
if (opts.maxPixels !== undefined) setMaxPixels(Number(opts.maxPixels))
const staticDir = resolve(opts.static)
if (!existsSync(join(staticDir, 'index.html'))) {
  console.error(`No built UI in ${staticDir}. ${NOT_BUILT}`)
  process.exit(1)
}
const pkg = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string }
const initialDataset = opts.data ? resolve(opts.data) : null
const jobs = new JobRegistry()
const library = new ModelLibrary(dataDirFor(), builtinModelDirs)
const host = await startWebHost({
  staticDir,
  handlers: createHandlers({ jobs, library, allow: initialDataset ? [initialDataset] : [] }),
  jobs,
  version: pkg.version,
  initialDataset,
  port: Number(opts.port)
})
console.log(`UNet Studio at ${host.url}`)
console.log(`model library: ${library.file}`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('Stopping: running jobs save a checkpoint first…')
    void jobs
      .closeAll()
      .then(() => host.close())
      .then(() => process.exit(0))
  })
}
