import { Controller } from '@nestjs/common';
import type { VerdictCommand, VerdictResult } from '#contracts';
import { Command, type CommandContext } from '#messaging';
import { VerdictsService } from './verdicts.service.js';

@Controller()
export class VerdictsController {
  constructor(private readonly verdicts: VerdictsService) {}

  @Command('jury.verdict.compute')
  async compute(command: VerdictCommand, { actor }: CommandContext): Promise<VerdictResult> {
    return this.verdicts.compute(command, actor);
  }
}
