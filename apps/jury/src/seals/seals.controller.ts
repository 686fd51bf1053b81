import { Controller } from '@nestjs/common';
import type { SealCommand, SealResult } from '#contracts';
import { Command, type CommandContext } from '#messaging';
import { SealsService } from './seals.service.js';

@Controller()
export class SealsController {
  constructor(private readonly seals: SealsService) {}

  @Command('jury.verdict.seal')
  async seal(command: SealCommand, { actor }: CommandContext): Promise<SealResult> {
    return this.seals.seal(command, actor);
  }
}
