/**
 * "Not on screens yet": a cue the gateway committed but did not see reach its screens within its bound
 * (HTTP 202 with `onScreens: false`, e.g. while JetStream takes no writes). The control room shows it
 * until a scene at least that new arrives on its own socket (the same feed the screens get), so the
 * producer is never left believing a reveal is on stage when no screen has it.
 */
export interface PendingDelivery {
  seq: number;
  rehearsal: boolean;
}

export class ScreenDelivery {
  private pending: PendingDelivery | null = null;

  constructor(private readonly changed: (pending: PendingDelivery | null) => void) {}

  /** A cue's answer: remembers it when the gateway said it is not on screens yet. */
  answered(answer: { seq: number; onScreens?: boolean; scene?: { rehearsal?: boolean } }): void {
    if (answer.onScreens !== false) return;
    if (this.pending && this.pending.seq >= answer.seq) return;
    this.pending = { seq: answer.seq, rehearsal: !!answer.scene?.rehearsal };
    this.changed(this.pending);
  }

  /** A scene that arrived over the socket (a frame or a snapshot): clears what it covers. */
  sawScene(scene: { seq: number; rehearsal?: boolean }): void {
    if (!this.pending || scene.seq < this.pending.seq || !!scene.rehearsal !== this.pending.rehearsal) return;
    this.pending = null;
    this.changed(null);
  }

  get current(): PendingDelivery | null {
    return this.pending;
  }
}
