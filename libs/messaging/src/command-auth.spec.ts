import { commandContracts, LaurelError, SERVICE_GRANTS, type Actor, type ActorRole, type CommandSubject } from '#contracts';
import { authorize } from './command-auth.js';

const as = (role: ActorRole, extra: Partial<Actor> = {}): Actor => ({ role, ceremonyId: null, jurorId: null, tokenId: null, ...extra });
const status = (subject: CommandSubject, actor: Actor): number | 'ok' => {
  try {
    authorize(subject, actor);
    return 'ok';
  } catch (error) {
    return (error as LaurelError).statusCode;
  }
};

describe('authorize (who may call a subject at all)', () => {
  const subjects = Object.keys(commandContracts) as CommandSubject[];

  it('every subject is callable by someone: a role, or a service identity granted it (fail closed otherwise)', () => {
    const granted = new Set(Object.values(SERVICE_GRANTS).flat());
    for (const subject of subjects) expect({ subject, callable: commandContracts[subject].roles.length > 0 || granted.has(subject) }).toEqual({ subject, callable: true });
  });

  it("admits exactly the subject's roles; the public is told to bring a credential (401), any other role is refused (403)", () => {
    for (const subject of subjects) {
      const roles = commandContracts[subject].roles;
      for (const role of ['admin', 'producer', 'juror', 'press', 'screen', 'public'] as const) {
        const expected = roles.includes(role) ? 'ok' : role === 'public' ? 401 : 403;
        expect([subject, role, status(subject, as(role, role === 'juror' ? { jurorId: 'j' } : {}))]).toEqual([subject, role, expected]);
      }
    }
  });

  it('a service identity gets exactly its SERVICE_GRANTS and nothing else', () => {
    for (const subject of subjects) {
      const expected = SERVICE_GRANTS.gateway.includes(subject) ? 'ok' : 403;
      expect([subject, status(subject, as('service', { service: 'gateway' }))]).toEqual([subject, expected]);
      expect([subject, status(subject, as('service'))]).toEqual([subject, 403]);
    }
    expect(SERVICE_GRANTS.gateway).toEqual(['announcements.show.snapshot', 'announcements.envelopes.kit', 'announcements.clock']);
  });

  it('no juror, producer, press or screen reaches the organiser-only subjects', () => {
    for (const subject of ['nominations.access.issue', 'nominations.access.revoke', 'nominations.access.list', 'nominations.ceremony.import', 'jury.juror.list', 'jury.audit.verify'] as const) {
      expect(commandContracts[subject].roles).toEqual(['admin']);
    }
  });
});
