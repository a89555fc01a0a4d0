/** Writes the run's named classes beside exported class masks, as the `classes.csv` the app reads. */
import { join } from 'node:path'
import type { Project } from '../../../src-preload/project'
import { writeFileAtomic } from '../atomic-write'

/** `<out>/classes.csv` (`index,name,display_rgb,ignore_in_loss`) for a multi-class run's project. */
export async function writeClassTable(out: string, project: Project | undefined): Promise<boolean> {
  if (!project || project.labelType !== 'classes') return false
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)
  const rows = [...project.classes]
    .sort((a, b) => a.index - b.index)
    .map((c) => `${c.index},${quote(c.name)},${c.color.join(' ')},${c.ignore ? 'yes' : 'no'}`)
  await writeFileAtomic(
    join(out, 'classes.csv'),
    ['index,name,display_rgb,ignore_in_loss', ...rows].join('\n') + '\n'
  )
  return true
}
