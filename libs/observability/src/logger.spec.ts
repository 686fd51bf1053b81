import { Writable } from 'node:stream';
import { pino } from 'pino';
import { contextLogger, useProcessLogger } from './logger.js';

describe('one logger: pino through one Nest adapter', () => {
  it('writes each part of a service as JSON lines of the process logger, with its context', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    // Created before the process logger is set (as a module-level or injected logger is): it still writes there.
    const log = contextLogger('Envelopes');
    useProcessLogger(pino({ base: { service: 'announcements' }, level: 'debug' }, sink));
    log.warn('second, different envelope ignored');
    log.error(new Error('broken'), 'stack here');
    log.log('ready', 'Override');
    expect(lines.map(({ service, context, level, msg, stack }) => ({ service, context, level, msg, stack }))).toEqual([
      { service: 'announcements', context: 'Envelopes', level: 40, msg: 'second, different envelope ignored', stack: undefined },
      { service: 'announcements', context: 'Envelopes', level: 50, msg: 'broken', stack: 'stack here' },
      { service: 'announcements', context: 'Override', level: 30, msg: 'ready', stack: undefined },
    ]);
  });
});
