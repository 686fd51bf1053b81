import type { Role, SceneEvent } from '#contracts';

/** Roles that see who cued a scene (the crew running the show). */
export const CREW_ROLES: readonly Role[] = ['producer', 'admin'];
/** Roles that get the show clock on scenes: the crew, and screens (the presenter monitor's countdown). */
export const CLOCK_ROLES: readonly Role[] = ['producer', 'admin', 'screen'];

/**
 * A scene as a role may see it: who cued it for the crew only, the clock for the crew and screens.
 * The same object when nothing is dropped, so a frame is encoded once for every role it suits.
 */
export function sceneFor<S extends SceneEvent | null>(role: Role, scene: S): S {
  if (scene === null) return scene;
  const dropCue = scene.cuedBy !== undefined && !CREW_ROLES.includes(role);
  const dropClock = scene.clock !== undefined && !CLOCK_ROLES.includes(role);
  if (!dropCue && !dropClock) return scene;
  const { cuedBy, clock, ...rest } = scene;
  return { ...rest, ...(dropCue ? {} : { cuedBy }), ...(dropClock ? {} : { clock }) } as S;
}
