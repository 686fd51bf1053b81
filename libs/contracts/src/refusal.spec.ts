import { LaurelError } from './errors.js';
import { DomainRefusal, REFUSAL_STATUS, refusalKindOf } from './refusal.js';

describe('DomainRefusal: one refusal type, mapped to HTTP by one table', () => {
  it('answers with the status its kind means, in the contract error body (the code stays inside)', () => {
    const refusal = new DomainRefusal('conflict', 'ballot locked', 'your ballot is locked: only the chair can reopen it');
    expect(refusal).toBeInstanceOf(LaurelError);
    expect(refusal.statusCode).toBe(409);
    expect(refusal.toBody()).toEqual({ statusCode: 409, error: 'Conflict', message: 'your ballot is locked: only the chair can reopen it' });
    expect(new DomainRefusal('invalid', 'reason required', 'a reason is required', [{ path: 'reason', message: 'must not be blank' }]).toBody()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'a reason is required',
      details: [{ path: 'reason', message: 'must not be blank' }],
    });
    expect(new DomainRefusal('forbidden', 'not the chair', 'x').statusCode).toBe(403);
    expect(new DomainRefusal('not-found', 'no juror', 'x').statusCode).toBe(404);
  });

  it('finds the kind of a status again', () => {
    for (const [kind, status] of Object.entries(REFUSAL_STATUS)) expect(refusalKindOf(status)).toBe(kind);
  });
});
