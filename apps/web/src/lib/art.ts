/** Laurel artwork, generated as static SVG markup (trusted: no server data ever goes in here). */

let gradientSeq = 0;

/** A laurel wreath: two mirrored branches of leaves along an arc, open at the top. */
export function laurelWreathSvg(opts: { animated?: boolean; stroke?: boolean } = {}): string {
  const id = `lg${++gradientSeq}`;
  const cx = 100;
  const cy = 104;
  const r = 80;
  const n = 10;
  let leaves = '';
  let i = 0;
  for (let k = 0; k < n; k++) {
    const deg = 108 + k * (132 / (n - 1));
    const th = (deg * Math.PI) / 180;
    const x = cx + r * Math.cos(th);
    const y = cy + r * Math.sin(th);
    const tangent = deg + 90;
    const s = (1 - k * 0.04).toFixed(3);
    for (const side of [1, -1]) {
      const rot = (tangent + side * 40).toFixed(1);
      const ox = side === 1 ? -2.2 : 2.2;
      leaves += `<path class="leaf" data-i="${i++}" d="M0 0C6 -7 19 -7.5 27 0C19 7.5 6 7 0 0Z" transform="translate(${(x + ox * Math.cos(th)).toFixed(2)} ${(y + ox * Math.sin(th)).toFixed(2)}) rotate(${rot}) scale(${s})"/>`;
    }
  }
  // top leaf at the tip of the branch
  const tipDeg = 246;
  const tth = (tipDeg * Math.PI) / 180;
  leaves += `<path class="leaf" data-i="${i}" d="M0 0C6 -6 17 -6.5 24 0C17 6.5 6 6 0 0Z" transform="translate(${(cx + r * Math.cos(tth)).toFixed(2)} ${(cy + r * Math.sin(tth)).toFixed(2)}) rotate(${tipDeg + 90}) scale(0.62)"/>`;
  const stem = `<path class="stem" d="M${(cx + r * Math.cos((100 * Math.PI) / 180)).toFixed(2)} ${(cy + r * Math.sin((100 * Math.PI) / 180)).toFixed(2)} A${r} ${r} 0 0 1 ${(cx + r * Math.cos(tth)).toFixed(2)} ${(cy + r * Math.sin(tth)).toFixed(2)}" fill="none" stroke="url(#${id})" stroke-width="2.2" stroke-linecap="round"/>`;
  const branch = `<g>${stem}<g fill="url(#${id})">${leaves}</g></g>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" aria-hidden="true" class="laurel${opts.animated ? ' laurel-animated' : ''}">
  <defs>
    <linearGradient id="${id}" x1="0" y1="1" x2="0.4" y2="0">
      <stop offset="0" stop-color="#8a6a2c"/>
      <stop offset="0.45" stop-color="#e9cf8a"/>
      <stop offset="0.7" stop-color="#c9a14e"/>
      <stop offset="1" stop-color="#f6e3ad"/>
    </linearGradient>
  </defs>
  <g class="branch branch-left">${branch}</g>
  <g class="branch branch-right" transform="translate(200 0) scale(-1 1)">${branch}</g>
</svg>`;
}

/** A small mark for headers: a single sprig pair. */
export function laurelMarkSvg(): string {
  return laurelWreathSvg();
}

/** The envelope with a wax seal, for the "and the award goes to…" scene. */
export function envelopeSvg(): string {
  const id = `eg${++gradientSeq}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 240" aria-hidden="true" class="envelope-art">
  <defs>
    <linearGradient id="${id}p" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#f7efdc"/>
      <stop offset="1" stop-color="#d9ccb0"/>
    </linearGradient>
    <radialGradient id="${id}s" cx="0.4" cy="0.35" r="0.7">
      <stop offset="0" stop-color="#f3d98f"/>
      <stop offset="0.55" stop-color="#c39a45"/>
      <stop offset="1" stop-color="#7d5c22"/>
    </radialGradient>
  </defs>
  <rect x="8" y="20" width="344" height="212" rx="6" fill="url(#${id}p)"/>
  <path d="M8 232 L150 120 Q180 100 210 120 L352 232Z" fill="#e6dbc2"/>
  <path class="flap" d="M8 26 Q8 20 14 20 L346 20 Q352 20 352 26 L196 142 Q180 154 164 142Z" fill="#efe4cb" stroke="#cdbd98" stroke-width="1"/>
  <circle cx="180" cy="138" r="30" fill="url(#${id}s)"/>
  <circle cx="180" cy="138" r="22" fill="none" stroke="#6f5020" stroke-opacity="0.55" stroke-width="1.5"/>
  <path d="M170 150 Q166 136 174 124 M190 150 Q194 136 186 124" stroke="#6f5020" stroke-opacity="0.7" stroke-width="2" fill="none" stroke-linecap="round"/>
</svg>`;
}
