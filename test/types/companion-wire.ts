/**
 * Compile-time check (run by `npm run typecheck`): the Companion module (apps/companion) keeps its own
 * copy of the contract types it reads, so it builds on its own; Laurel's payloads must still fit them.
 * A contract change that would break the module on the wire fails to compile here.
 */
import type { CueResult, GatewayStatusEvent, JuryProgressEvent, LaurelErrorBody, RevealedEvent, SceneEvent, SealedEvent, SnapshotEvent, StaleCueDetails } from '#contracts';
import type { CueAnswer, ErrorBody, WireGatewayStatus, WireJuryProgress, WireRevealed, WireScene, WireSealed, WireSnapshot } from '../../apps/companion/src/wire.js';

type Fits<A extends B, B> = A;

export type CompanionWireFits = [
  Fits<SceneEvent, WireScene>,
  Fits<SnapshotEvent, WireSnapshot>,
  Fits<JuryProgressEvent, WireJuryProgress>,
  Fits<SealedEvent, WireSealed>,
  Fits<RevealedEvent, WireRevealed>,
  Fits<GatewayStatusEvent, WireGatewayStatus>,
  Fits<CueResult, CueAnswer>,
  Fits<LaurelErrorBody, ErrorBody>,
  Fits<StaleCueDetails['scene'], WireScene>,
];
