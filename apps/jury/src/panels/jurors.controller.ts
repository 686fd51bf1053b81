import { Controller } from '@nestjs/common';
import type { AddJurorCommand, AppointChairCommand, RemoveJurorCommand, DeclareConflictCommand, GetJurorQuery, JurorView, ListJurorsQuery, PanelStatus, PanelStatusQuery } from '#contracts';
import { Command, type CommandContext } from '#messaging';
import { JurorsService } from './jurors.service.js';

@Controller()
export class JurorsController {
  constructor(private readonly jurors: JurorsService) {}

  @Command('jury.juror.add')
  async add(command: AddJurorCommand, { actor }: CommandContext): Promise<{ id: string }> {
    return this.jurors.add(command, actor);
  }

  @Command('jury.juror.remove')
  async remove(command: RemoveJurorCommand, { actor }: CommandContext): Promise<{ removed: true }> {
    return this.jurors.remove(command, actor);
  }

  @Command('jury.juror.list')
  async list(query: ListJurorsQuery, { actor }: CommandContext): Promise<JurorView[]> {
    return this.jurors.list(query, actor);
  }

  @Command('jury.juror.get')
  async get(query: GetJurorQuery, { actor }: CommandContext): Promise<JurorView> {
    return this.jurors.get(query, actor);
  }

  @Command('jury.conflict.declare')
  async declareConflict(command: DeclareConflictCommand, { actor }: CommandContext): Promise<{ declared: true }> {
    return this.jurors.declareConflict(command, actor);
  }

  @Command('jury.panel.chair')
  async appointChair(command: AppointChairCommand, { actor }: CommandContext): Promise<JurorView> {
    return this.jurors.appointChair(command, actor);
  }

  @Command('jury.panel.status')
  async status(query: PanelStatusQuery, { actor }: CommandContext): Promise<PanelStatus> {
    return this.jurors.status(query, actor);
  }
}
