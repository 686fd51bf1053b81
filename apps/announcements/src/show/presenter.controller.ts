import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { LaurelError, type PresenterMessageCommand, type PresenterMessageEvent } from '#contracts';
import { Command, Outbox, type CommandContext } from '#messaging';
import { CeremoniesService } from '../ceremonies/ceremonies.service.js';
import { operatorOf } from './operator.js';

/**
 * A producer's short message to the presenter monitor ("30 s", "stretch", free text). An event through
 * the outbox, so every gateway gets it and a restarted one knows the latest from the stream; it changes
 * nothing on stage and takes no seq.
 */
@Controller()
export class PresenterController {
  constructor(
    private readonly ceremonies: CeremoniesService,
    private readonly outbox: Outbox,
  ) {}

  @Command('announcements.show.presenter-message')
  async send(request: PresenterMessageCommand, ctx: CommandContext): Promise<PresenterMessageEvent> {
    const by = operatorOf(ctx.actor);
    if (!by) throw LaurelError.forbidden('only a producer or the admin may message the presenter');
    const ceremony = await this.ceremonies.findCeremony(request.ceremony);
    const message: PresenterMessageEvent = {
      ceremonyId: ceremony.id,
      id: randomUUID(),
      text: request.text.trim(),
      tone: request.tone ?? 'info',
      sentAt: new Date().toISOString(),
      by,
      rehearsal: request.rehearsal === true,
    };
    await this.outbox.transaction((manager) => this.outbox.add(manager, 'gala.events.announcements.presenter.message', ceremony.id, message));
    return message;
  }
}
