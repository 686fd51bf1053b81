import { Controller } from '@nestjs/common';
import type { CeremonyView, GetCeremonyQuery, ImportCeremonyCommand, ImportCeremonyResult } from '#contracts';
import { Command } from '#messaging';
import { CeremoniesService } from './ceremonies.service.js';

@Controller()
export class CeremoniesController {
  constructor(private readonly ceremonies: CeremoniesService) {}

  @Command('nominations.ceremony.import')
  async importCeremony(request: ImportCeremonyCommand): Promise<ImportCeremonyResult> {
    return this.ceremonies.import(request.file);
  }

  @Command('nominations.ceremony.get')
  async getCeremony(request: GetCeremonyQuery): Promise<CeremonyView> {
    return this.ceremonies.view(request.ceremony);
  }
}
