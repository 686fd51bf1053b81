import { Injectable } from '@nestjs/common';
import { CeremoniesService } from '../ceremonies/ceremonies.service.js';
import { ShowStore, type ResultView } from '../show/show-store.js';
import { resultsCsv } from './results-csv.js';

/** The live show's results as revealed so far: the list and the CSV. */
@Injectable()
export class ResultsService {
  constructor(
    private readonly ceremonies: CeremoniesService,
    private readonly store: ShowStore,
  ) {}

  async list(ref: string): Promise<ResultView[]> {
    const ceremony = await this.ceremonies.findCeremony(ref);
    return this.store.liveResults(ceremony.id);
  }

  async csv(ref: string): Promise<{ csv: string; filename: string }> {
    const ceremony = await this.ceremonies.findCeremony(ref);
    return { csv: resultsCsv(await this.store.liveResults(ceremony.id)), filename: `${ceremony.slug}-results.csv` };
  }
}
