import type { Actor, CueOperator } from '#contracts';

/** Who is cueing, as the scene records it: a producer token's label (else the start of its id), or "admin". */
export function operatorOf(actor: Actor): CueOperator | undefined {
  if (actor.role === 'admin') return { label: 'admin', role: 'admin' };
  if (actor.role !== 'producer') return undefined;
  return { label: actor.label?.trim() || `producer ${actor.tokenId?.slice(0, 8) ?? ''}`.trim(), role: 'producer' };
}
