import { InstanceBase, InstanceStatus, type SomeCompanionConfigField } from '@companion-module/base';
import { configFields, type ModuleConfig, type ModuleSecrets } from './config.js';
import { actionDefinitions, feedbackDefinitions, presetDefinitions, variableDefinitions, type ActionsSchema, type FeedbacksSchema, type VariablesSchema } from './definitions.js';
import { LaurelClient, parseTarget } from './laurel-client.js';
import type { ShowState } from './show-state.js';
import { feedbackState, variables } from './view.js';

export interface ModuleSchema {
  config: ModuleConfig;
  secrets: ModuleSecrets;
  actions: ActionsSchema;
  feedbacks: FeedbacksSchema;
  variables: VariablesSchema;
}

export const UpgradeScripts = [];

/**
 * The Companion connection: a thin shell around LaurelClient (the socket and the cues) and the pure view
 * (feedbacks and variables). State arrives by push; a one-second tick only re-reads the clock and the
 * connection's age.
 */
export default class LaurelInstance extends InstanceBase<ModuleSchema> {
  private client: LaurelClient | null = null;
  private tick: NodeJS.Timeout | null = null;

  async init(config: ModuleConfig, _isFirstInit: boolean, secrets: ModuleSecrets): Promise<void> {
    this.setActionDefinitions(actionDefinitions(() => this.client));
    this.setFeedbackDefinitions(feedbackDefinitions(() => this.client));
    this.setVariableDefinitions(variableDefinitions());
    const { structure, presets } = presetDefinitions(this.label);
    this.setPresetDefinitions(structure, presets);
    this.connect(config, secrets);
    this.tick = setInterval(() => this.client && this.refresh(this.client.state), 1000);
  }

  async configUpdated(config: ModuleConfig, secrets: ModuleSecrets): Promise<void> {
    this.connect(config, secrets);
  }

  async destroy(): Promise<void> {
    if (this.tick) clearInterval(this.tick);
    this.client?.stop();
    this.client = null;
  }

  getConfigFields(): SomeCompanionConfigField[] {
    return configFields();
  }

  private connect(config: ModuleConfig, secrets: ModuleSecrets): void {
    this.client?.stop();
    this.client = null;
    const target = parseTarget({ ...config, token: secrets?.token });
    if ('problem' in target) {
      this.updateStatus(InstanceStatus.BadConfig, target.problem);
      return;
    }
    this.updateStatus(InstanceStatus.Connecting);
    this.client = new LaurelClient(target, (state) => this.refresh(state), (level, message) => this.log(level, message));
    this.client.start();
  }

  private refresh(state: ShowState): void {
    const now = Date.now();
    this.setVariableValues(variables(state, now));
    this.checkAllFeedbacks();
    if (!state.connected) this.updateStatus(InstanceStatus.Disconnected, state.lastOutcome || null);
    else if (feedbackState.connectionStale(state, now)) this.updateStatus(InstanceStatus.UnknownWarning, 'the gateway may be behind (NATS lost or no frames)');
    else this.updateStatus(InstanceStatus.Ok);
  }
}
