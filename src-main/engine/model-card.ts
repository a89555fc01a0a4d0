import type { ModelCard } from './builtin-models'

const pct = (v: number): string => v.toFixed(3)

/** The README.md of a shipped model, rendered from its `card.json` (never edited by hand). */
export function renderModelCard(card: ModelCard): string {
  const s = card.scores
  const f32 = card.scoresFloat32
  const mb = (card.sizeBytes / 1e6).toFixed(1)
  const rows = [
    `| ${card.weights} weights (shipped) | ${s.images} | ${pct(s.f1)} | ${pct(s.ap50)} | ${pct(s.iou)} |`,
    ...(f32
      ? [
          `| float32 weights | ${f32.images} | ${pct(f32.f1)} | ${pct(f32.ap50)} | ${pct(f32.iou)} |`
        ]
      : [])
  ]
  return `<!-- Generated from card.json by scripts/nuclei-model.ts; do not edit by hand. -->

# ${card.title}

${card.description}

- **Name:** \`${card.name}\` (\`predict --model ${card.name}\`, \`eval --model ${card.name}\`)
- **Architecture:** ${card.arch === 'unet' ? 'U-Net' : 'UNet++'}, ${card.channels} input channels (RGB; grey images are replicated)
- **Label type:** ${card.labelType}${card.separation ? `, separation by ${card.separation}` : ''}
- **Format:** TensorFlow.js layers model (\`model.json\` + \`weights.bin\`, ${card.weights} weights, ${mb} MB), stock layers only: it loads in plain TensorFlow.js
- **Trained from commit:** \`${card.commit}\`

## Intended use

${card.intendedUse}

## Data

${card.data.name}. Licence: ${card.data.license}. Source: ${card.data.source}

## Recipe

${card.recipe}

Post-processing: ${card.postprocess}

Rebuild (trains with the app's own CLI, then exports and scores):

\`\`\`sh
${card.command}
\`\`\`

Training command it runs:

\`\`\`sh
${card.trainCommand}
\`\`\`

## Scores

${s.split}: mean per-image object F1 and AP at IoU 0.5 (one-to-one matching; AP50 = TP / (TP + FP + FN)), and pooled foreground pixel IoU, each image predicted whole at its original resolution.

| weights | images | F1@0.5 | AP50 | pixel IoU |
| --- | --- | --- | --- | --- |
${rows.join('\n')}
`
}
