import type { InstanceContext } from '@companion-module/base/host-api';
import type { CompanionActionDefinitions, CompanionFeedbackDefinitions, CompanionPresetDefinitions, CompanionPresetSection, InstanceStatus } from '@companion-module/base';
import LaurelInstance, { type ModuleSchema } from '../main.js';

/**
 * A stand-in for Companion's side of the module API, recording what the module tells it: the module's
 * real class runs against it in tests (on Node 20 too; the package declares node ^22.20 for Companion's
 * runtime, but nothing it loads needs more). Feedbacks are evaluated whenever the module asks.
 */
export class RecordingHost {
  readonly variables: Record<string, string | number | boolean | null | undefined> = {};
  readonly feedbacks: Record<string, boolean> = {};
  readonly statuses: { status: InstanceStatus; message: string | null }[] = [];
  readonly logs: string[] = [];
  actions: CompanionActionDefinitions<ModuleSchema['actions']> = {} as never;
  feedbackDefinitions: CompanionFeedbackDefinitions<ModuleSchema['feedbacks']> = {} as never;
  presets: { structure: CompanionPresetSection<ModuleSchema>[]; presets: CompanionPresetDefinitions<ModuleSchema> } | null = null;
  variableDefinitions: Record<string, { name: string }> = {};

  readonly context: InstanceContext<ModuleSchema> = {
    _isInstanceContext: true,
    id: 'laurel-test',
    label: 'laurel',
    upgradeScripts: [],
    saveConfig: () => undefined,
    updateStatus: (status, message) => void this.statuses.push({ status, message }),
    oscSend: () => undefined,
    recordAction: () => undefined,
    setActionDefinitions: (actions) => void (this.actions = actions),
    subscribeActions: () => undefined,
    unsubscribeActions: () => undefined,
    setFeedbackDefinitions: (feedbacks) => void (this.feedbackDefinitions = feedbacks),
    unsubscribeFeedbacks: () => undefined,
    checkFeedbacks: () => this.evaluateFeedbacks(),
    checkAllFeedbacks: () => this.evaluateFeedbacks(),
    checkFeedbacksById: () => this.evaluateFeedbacks(),
    setPresetDefinitions: (structure, presets) => void (this.presets = { structure, presets }),
    setVariableDefinitions: (definitions) => void (this.variableDefinitions = definitions as Record<string, { name: string }>),
    setVariableValues: (values) => void Object.assign(this.variables, values as Record<string, string | number | boolean | undefined>),
    getVariableValue: (id) => this.variables[id] as never,
    sharedUdpSocketHandlers: new Map(),
    sharedUdpSocketJoin: () => Promise.reject(new Error('no UDP in tests')),
    sharedUdpSocketLeave: () => Promise.resolve(),
    sharedUdpSocketSend: () => Promise.resolve(),
  };

  private evaluateFeedbacks(): void {
    for (const [id, definition] of Object.entries(this.feedbackDefinitions)) {
      if (!definition || definition.type !== 'boolean') continue;
      const result = definition.callback({ type: 'boolean', id, controlId: 'test', feedbackId: id, options: {}, previousOptions: null } as never, { type: 'feedback' });
      if (typeof result === 'boolean') this.feedbacks[id] = result;
    }
  }

  /** Presses a button bound to `actionId` (as a Stream Deck key would). */
  async press(actionId: keyof ModuleSchema['actions'], options: Record<string, string> = {}): Promise<void> {
    const definition = this.actions[actionId];
    if (!definition) throw new Error(`no action ${String(actionId)}`);
    await definition.callback({ id: 'press', controlId: 'test', actionId, options, surfaceId: undefined } as never, { type: 'action', setCustomVariableValue: () => undefined } as never);
  }

  /** The module's real class, constructed the way Companion does, against this host. */
  instance(): LaurelInstance {
    (globalThis as { COMPANION_LOGGER?: unknown }).COMPANION_LOGGER = (_source: string, level: string, message: string) => this.logs.push(`${level}: ${message}`);
    return new LaurelInstance(this.context);
  }
}
