/**
 * Rubric anchors (issue 15): what a score level means for a criterion, from the ceremony file. The scoring
 * controls show the anchor of the level in focus or chosen; a level without its own text shows the anchored
 * levels around it, so a juror always sees what the scale's neighbouring points mean.
 */
export interface AnchorHint {
  /** The level's own text, when the file gives one. */
  exact: { level: number; text: string } | null;
  /** Otherwise the nearest anchored levels below and above (either may be missing). */
  below: { level: number; text: string } | null;
  above: { level: number; text: string } | null;
}

export function anchorLevels(anchors: Record<string, string> | undefined): { level: number; text: string }[] {
  return Object.entries(anchors ?? {})
    .map(([level, text]) => ({ level: Number(level), text }))
    .filter((a) => Number.isInteger(a.level) && a.level >= 1 && a.level <= 10 && a.text.length > 0)
    .sort((a, b) => a.level - b.level);
}

export function anchorHint(anchors: Record<string, string> | undefined, value: number): AnchorHint | null {
  const levels = anchorLevels(anchors);
  if (levels.length === 0) return null;
  const exact = levels.find((a) => a.level === value) ?? null;
  if (exact) return { exact, below: null, above: null };
  const below = [...levels].reverse().find((a) => a.level < value) ?? null;
  const above = levels.find((a) => a.level > value) ?? null;
  return { exact: null, below, above };
}

/** One line of text for a hint: `7 — text`, or `5 — text · 10 — text` around a level without its own. */
export function anchorLine(hint: AnchorHint | null): string {
  if (!hint) return '';
  if (hint.exact) return `${hint.exact.level} — ${hint.exact.text}`;
  return [hint.below, hint.above]
    .filter((a): a is { level: number; text: string } => a !== null)
    .map((a) => `${a.level} — ${a.text}`)
    .join(' · ');
}
