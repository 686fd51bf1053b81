import { arm, disarm, initialState, onDisconnect, onGatewayStatus, onProgress, onRevealed, onScene, onSnapshot, type ShowState } from './show-state.js';
import { feedbackState, QUIET_MS } from './view.js';
import type { WireScene, WireSnapshot } from './wire.js';

import { gota, scene, svea } from './testing/scenes.js';

function snapshot(s: WireScene | null, extra: Partial<WireSnapshot> = {}): WireSnapshot {
  return { ceremonyId: 'c1', scene: s, results: [], serverTime: 5_000, juryProgress: [{ ceremonyId: 'c1', categoryId: gota.id, locked: 8, total: 8, sealed: true }], ...extra };
}

describe('the module state (what the producer socket pushed)', () => {
  it('a snapshot connects and is the truth; newer scenes replace older, repeated or older seqs are ignored', () => {
    let s = onSnapshot(initialState(), snapshot(scene(3, 'nominees', gota)), 4_000);
    expect(s).toMatchObject({ connected: true, gatewayStale: false, clockOffsetMs: 1_000, scene: { seq: 3 } });
    s = onScene(s, scene(4, 'envelope', gota), 4_100);
    s = onScene(s, scene(4, 'nominees', gota), 4_200);
    s = onScene(s, scene(2, 'category', gota), 4_300);
    expect(s.scene).toMatchObject({ seq: 4, kind: 'envelope' });
    expect(s.lastFrameAt).toBe(4_300);
  });

  it('arms only the sealed, unrevealed envelope on stage; the arm lapses when the envelope leaves the stage or is revealed', () => {
    const before = onSnapshot(initialState(), snapshot(scene(3, 'nominees', gota)), 0);
    expect(arm(before).refused).toBe('arm: no envelope on stage');
    const atEnvelope = onScene(before, scene(4, 'envelope', gota), 0);
    const armed = arm(atEnvelope).state;
    expect(armed.armed).toEqual({ categoryId: gota.id, name: 'GötaPriset' });
    expect(feedbackState.revealArmed(armed)).toBe(true);
    expect(feedbackState.armedMatchesStage(armed)).toBe(true);
    // Another operator went back: the arm is gone, the confirm button is dark.
    const movedOn = onScene(armed, scene(5, 'nominees', gota), 0);
    expect(movedOn.armed).toBeNull();
    expect(feedbackState.armedMatchesStage(movedOn)).toBe(false);
    // Revealed (by anyone): disarmed, and cannot be armed again.
    const revealed = onRevealed(armed, { ceremonyId: 'c1', seq: 5, categoryId: gota.id, rehearsal: false }, 0);
    expect(revealed.armed).toBeNull();
    expect(arm(revealed).refused).toBe('arm: GötaPriset is already revealed');
    expect(disarm(armed).armed).toBeNull();
  });

  it('does not arm a live envelope whose verdict is not sealed', () => {
    let s = onSnapshot(initialState(), snapshot(scene(9, 'envelope', svea)), 0);
    s = onProgress(s, { ceremonyId: 'c1', categoryId: svea.id, locked: 5, total: 8, sealed: false }, 0);
    expect(arm(s).refused).toBe('arm: Sveapriset is not sealed yet');
    // The rehearsal opens a stand-in for every category: armed whatever the jury's progress.
    const rehearsal = onScene(s, scene(10, 'envelope', svea, { rehearsal: true }), 0);
    expect(arm(rehearsal).state.armed?.categoryId).toBe(svea.id);
  });

  it('on air: a scene that is not a blackout, while connected', () => {
    const on = onSnapshot(initialState(), snapshot(scene(1, 'welcome')), 0);
    expect(feedbackState.onAir(on)).toBe(true);
    expect(feedbackState.onAir(onScene(on, scene(2, 'blackout'), 0))).toBe(false);
    expect(feedbackState.onAir(onDisconnect(on))).toBe(false);
    expect(feedbackState.onAir(initialState())).toBe(false);
  });

  it('connection stale: no socket, the gateway lost NATS, or silence longer than QUIET_MS', () => {
    const fresh: ShowState = onSnapshot(initialState(), snapshot(scene(1, 'welcome')), 1_000);
    expect(feedbackState.connectionStale(fresh, 2_000)).toBe(false);
    expect(feedbackState.connectionStale(fresh, 1_000 + QUIET_MS + 1)).toBe(true);
    expect(feedbackState.connectionStale(onDisconnect(fresh), 2_000)).toBe(true);
    expect(feedbackState.connectionStale(onGatewayStatus(fresh, { stale: true }), 2_000)).toBe(true);
    expect(feedbackState.connectionStale(initialState(), 0)).toBe(true);
  });
});
