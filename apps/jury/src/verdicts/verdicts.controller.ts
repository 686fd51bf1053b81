import { Controller } from '@nestjs/common';
import type { VerdictCommand, VerdictResult } from '#contracts';
import { Command } from '#messaging';
import { VerdictsService } from './verdicts.service.js';

@Controller()
export class VerdictsController {
  constructor(private readonly verdicts: VerdictsService) {}

  @Command('jury.verdict.compute')
  async compute(command: VerdictCommand): Promise<VerdictResult> {
    return this.verdicts.compute(command);
  }
}
