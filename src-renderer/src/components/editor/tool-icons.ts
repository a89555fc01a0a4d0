/** SVG path data (24×24, stroked) for the editor's tool and action icons. */
export const TOOL_ICONS = {
  brush:
    'M4 20c2.5 0 4.5-1.2 4.5-3.4a2.1 2.1 0 0 0-4.2-.1C4.3 18 4 19 4 20z M9.5 14.5 19 5a1.5 1.5 0 0 1 2.1 2.1l-9.5 9.5',
  eraser:
    'M8 20h12 M4.8 14.8 13.6 6a2 2 0 0 1 2.8 0l3.6 3.6a2 2 0 0 1 0 2.8L12.4 20H8.6l-3.8-3.8a1 1 0 0 1 0-1.4z M9 10.6l5.4 5.4',
  polygon: 'M5 8l7-4 7 5-2.5 10h-9z M5 8h.01 M12 4h.01 M19 9h.01',
  fill: 'M4.5 12.5 11 6l6.5 6.5L11 19z M11 6 8.5 3.5 M4.5 12.5h13 M20 15.5c.8 1.2 1.5 2.1 1.5 3a1.5 1.5 0 0 1-3 0c0-.9.7-1.8 1.5-3z',
  pick: 'M12 3v4 M12 17v4 M3 12h4 M17 12h4 M12 9.5a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5z',
  merge: 'M7 4v5a5 5 0 0 0 5 5 M17 4v5a5 5 0 0 1-5 5v7 M9 18l3 3 3-3',
  pan: 'M8 13V6.5a1.5 1.5 0 0 1 3 0V12 M11 11V4.5a1.5 1.5 0 0 1 3 0V12 M14 11.5V6.5a1.5 1.5 0 0 1 3 0V14a7 7 0 0 1-7 7h-.5a6 6 0 0 1-5-2.7L2.8 15a1.5 1.5 0 0 1 2.5-1.7L8 16',
  undo: 'M9 14 4 9l5-5 M4 9h10.5a5.5 5.5 0 0 1 0 11H11',
  redo: 'M15 14l5-5-5-5 M20 9H9.5a5.5 5.5 0 0 0 0 11H13',
  fit: 'M4 9V4h5 M20 9V4h-5 M4 15v5h5 M20 15v5h-5',
  save: 'M5 4h11l3 3v13H5z M8 4v5h7V4 M8 20v-6h8v6',
  outline: 'M12 4c4.5 0 8 3 8 7.5S16.5 20 12 20s-8-3.5-8-8.5S7.5 4 12 4z M12 4v0',
  eye: 'M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z M12 9a3 3 0 1 1 0 6 3 3 0 0 1 0-6z'
} as const

/** Name of an icon in {@link TOOL_ICONS}. */
export type IconName = keyof typeof TOOL_ICONS
