import { Controller } from '@nestjs/common';
import type { ResultsQuery } from '#contracts';
import { Command } from '#messaging';
import type { ResultView } from '../show/show-store.js';
import { ResultsService } from './results.service.js';

@Controller()
export class ResultsController {
  constructor(private readonly results: ResultsService) {}

  @Command('announcements.results.list')
  async list(request: ResultsQuery): Promise<ResultView[]> {
    return this.results.list(request.ceremony);
  }

  @Command('announcements.results.csv')
  async csv(request: ResultsQuery): Promise<{ csv: string; filename: string }> {
    return this.results.csv(request.ceremony);
  }
}
