import { PAGE_LAYOUT } from './definitions.js';

/** One key of the page as Companion draws it: its text with the variables filled in, and its colours after the feedbacks. */
export interface KeyFace {
  id: string;
  text: string;
  color: number;
  bgcolor: number;
}

interface PresetLike {
  style: { text: string; color: number; bgcolor: number };
  feedbacks: { feedbackId: string; style?: { color?: number; bgcolor?: number } }[];
}

/**
 * The preset page as it looks for given variable values and feedback states (feedbacks apply in order,
 * the later one wins, as in Companion). Used to draw docs/screenshots/streamdeck-page.png and to test that
 * the page reads what the show says.
 */
export function keyFaces(presets: Record<string, unknown>, values: Record<string, string | number | boolean | null | undefined>, feedbacks: Record<string, boolean>, instanceLabel = 'laurel'): KeyFace[][] {
  const fill = (text: string) =>
    text
      .replace(new RegExp(`\\$\\(${instanceLabel}:([a-z_]+)\\)`, 'g'), (_, id: string) => String(values[id] ?? ''))
      .replace(/\\n/g, '\n');
  return PAGE_LAYOUT.map((row) =>
    row.map((id) => {
      const preset = presets[id] as PresetLike;
      let { color, bgcolor } = preset.style;
      for (const feedback of preset.feedbacks) {
        if (!feedbacks[feedback.feedbackId]) continue;
        color = feedback.style?.color ?? color;
        bgcolor = feedback.style?.bgcolor ?? bgcolor;
      }
      return { id, text: fill(preset.style.text), color, bgcolor };
    }),
  );
}

/** A Companion colour (0xRRGGBB) as CSS. */
export function cssColor(rgb: number): string {
  return `#${rgb.toString(16).padStart(6, '0')}`;
}
