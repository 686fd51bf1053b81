import { Controller } from '@nestjs/common';
import { LaurelError, parseAnchor, type AuditVerification, type VerifyAuditQuery } from '#contracts';
import { Command, type CommandContext } from '#messaging';
import { PanelsService } from '../panels/panels.service.js';
import { assertJuryRole } from '../panels/panel-state.js';
import { AuditLog } from './audit-log.service.js';

@Controller()
export class AuditController {
  constructor(
    private readonly audit: AuditLog,
    private readonly panels: PanelsService,
  ) {}

  @Command('jury.audit.verify')
  async verify(query: VerifyAuditQuery, { actor }: CommandContext): Promise<AuditVerification> {
    assertJuryRole(actor);
    if (actor.role !== 'admin') throw LaurelError.forbidden('only the organiser verifies the audit log');
    const anchor = query.anchor === undefined ? undefined : parseAnchor(query.anchor);
    if (anchor === null) throw LaurelError.badRequest('anchor must be <64 hex>@<count>', [{ path: 'anchor', message: 'must be <64 hex>@<count>' }]);
    const ceremony = await this.panels.ceremony(this.panels.dataSource.manager, query.ceremony);
    return this.audit.verify(ceremony.id, anchor);
  }
}
