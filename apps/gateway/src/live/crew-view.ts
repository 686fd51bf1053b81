import type { Role, SceneEvent } from '#contracts';

/** Roles that see who cued a scene and the show clock (the crew running the show). */
export const CREW_ROLES: readonly Role[] = ['producer', 'admin'];

export function isCrew(role: Role): boolean {
  return CREW_ROLES.includes(role);
}

/** A scene as a role may see it: the crew-only fields (who cued it) are dropped for everyone but the crew. */
export function sceneFor<S extends SceneEvent | null>(role: Role, scene: S): S {
  return isCrew(role) ? scene : withoutCrewFields<S>(scene);
}

/** The scene without its crew-only fields; the same object when it has none (one frame encoding for all). */
export function withoutCrewFields<S extends SceneEvent | null>(scene: S): S {
  if (scene === null || scene.cuedBy === undefined) return scene;
  const { cuedBy: _crewOnly, ...rest } = scene;
  return rest as S;
}
