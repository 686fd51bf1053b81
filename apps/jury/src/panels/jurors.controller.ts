import { Controller } from '@nestjs/common';
import type { AddJurorCommand, AppointChairCommand, RemoveJurorCommand, DeclareConflictCommand, GetJurorQuery, JurorView, ListJurorsQuery, PanelStatus, PanelStatusQuery } from '#contracts';
import { Command } from '#messaging';
import { JurorsService } from './jurors.service.js';

@Controller()
export class JurorsController {
  constructor(private readonly jurors: JurorsService) {}

  @Command('jury.juror.add')
  async add(command: AddJurorCommand): Promise<{ id: string }> {
    return this.jurors.add(command);
  }

  @Command('jury.juror.remove')
  async remove(command: RemoveJurorCommand): Promise<{ removed: true }> {
    return this.jurors.remove(command);
  }

  @Command('jury.juror.list')
  async list(query: ListJurorsQuery): Promise<JurorView[]> {
    return this.jurors.list(query);
  }

  @Command('jury.juror.get')
  async get(query: GetJurorQuery): Promise<JurorView> {
    return this.jurors.get(query);
  }

  @Command('jury.conflict.declare')
  async declareConflict(command: DeclareConflictCommand): Promise<{ declared: true }> {
    return this.jurors.declareConflict(command);
  }

  @Command('jury.panel.chair')
  async appointChair(command: AppointChairCommand): Promise<JurorView> {
    return this.jurors.appointChair(command);
  }

  @Command('jury.panel.status')
  async status(query: PanelStatusQuery): Promise<PanelStatus> {
    return this.jurors.status(query);
  }
}
