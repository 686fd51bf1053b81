import { traceHop } from '#observability';
import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NatsContext } from '@nestjs/microservices';
import type { MsgHdrs } from '@nats-io/transport-node';
import { commandContracts, CREDENTIAL_HEADER, LaurelError, SERVICE_GRANTS, type Actor, type CommandSubject } from '#contracts';
import { AccessResolver } from './access-resolver.js';
import { toRpcException } from './rpc-errors.js';

/** Metadata on a `@Command` handler: the subject it answers. */
export const COMMAND_SUBJECT = 'laurel:command-subject';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A service's own lookup of a ceremony slug, so a ceremony-bound token may name its ceremony by slug
 * too. Without one, such a token must name its ceremony by id (what the gateway always sends).
 */
export abstract class CeremonyRefs {
  /** The ceremony id for a slug, or null when this service knows no such ceremony. */
  abstract idOf(slug: string): Promise<string | null>;
}

/** CeremonyRefs from a service's own ceremony table or read model (an entity with `id` and a unique `slug`). */
export function ceremonyRefsFrom(entity: new () => { id: string; slug: string }): Provider {
  return {
    provide: CeremonyRefs,
    inject: [DataSource],
    useFactory: (dataSource: DataSource): CeremonyRefs => ({
      idOf: async (slug) => (await dataSource.manager.findOne(entity, { where: { slug }, select: { id: true } }))?.id ?? null,
    }),
  };
}

/**
 * Who may call `subject` at all: a service identity only what SERVICE_GRANTS lists; a user only with one of
 * the contract's roles. A subject without roles is for service identities only, and no user is admitted
 * (fail closed). The public is told to bring a credential (401); any other caller is refused (403).
 */
export function authorize(subject: CommandSubject, actor: Actor): void {
  if (actor.role === 'service') {
    const granted = actor.service !== undefined && SERVICE_GRANTS[actor.service]?.includes(subject);
    if (!granted) throw LaurelError.forbidden(`the ${actor.service ?? 'unknown'} service identity may not call ${subject}`);
    return;
  }
  const roles = commandContracts[subject]?.roles ?? [];
  if (roles.includes(actor.role)) return;
  if (actor.role === 'public') throw new LaurelError(401, 'a credential is required for this call');
  throw LaurelError.forbidden(roles.length ? `a ${actor.role} token may not call ${subject}` : `${subject} is for service identities only`);
}

/** A header of the request a handler answers ('' or undefined when absent). */
export function headerOf(natsContext: NatsContext | undefined, name: string): string | undefined {
  return (natsContext?.getHeaders?.() as MsgHdrs | undefined)?.get(name) || undefined;
}

/** The actor each authenticated request was resolved to, keyed by its NATS context (one per message). */
const actors = new WeakMap<object, Actor>();

export function actorOfRequest(natsContext: object | undefined): Actor | undefined {
  return natsContext ? actors.get(natsContext) : undefined;
}

/**
 * Runs before every `@Command` handler (and before its payload is validated): resolves the credential
 * header to an actor, refuses a caller the subject's rule does not admit, and binds a ceremony-scoped
 * token to its ceremony. Refusals are contract errors (401/403) and nothing of the handler runs.
 */
@Injectable()
export class CommandGuard implements CanActivate {
  constructor(
    private readonly access: AccessResolver,
    @Optional() @Inject(CeremonyRefs) private readonly ceremonies?: CeremonyRefs,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    traceHop('command.in');
    const subject = Reflect.getMetadata(COMMAND_SUBJECT, context.getHandler()) as CommandSubject | undefined;
    const nats = context.switchToRpc().getContext<NatsContext | undefined>();
    try {
      if (!subject || !nats) throw new LaurelError(500, 'a command handler without its subject or NATS context');
      const actor = await this.access.resolve(headerOf(nats, CREDENTIAL_HEADER));
      authorize(subject, actor);
      await this.bindCeremony(actor, context.switchToRpc().getData<unknown>());
      actors.set(nats, actor);
      return true;
    } catch (error) {
      throw toRpcException(error, subject ?? 'command');
    }
  }

  /** A token of one ceremony acts on that ceremony only (a token of ceremony A on ceremony B → 403). */
  private async bindCeremony(actor: Actor, data: unknown): Promise<void> {
    if (actor.ceremonyId === null) return;
    const ref = typeof data === 'object' && data !== null ? (data as { ceremony?: unknown }).ceremony : undefined;
    if (ref === actor.ceremonyId) return;
    if (typeof ref !== 'string') throw LaurelError.forbidden('this token belongs to one ceremony and the call names none');
    const id = UUID.test(ref) ? ref : ((await this.ceremonies?.idOf(ref)) ?? null);
    if (id !== actor.ceremonyId) throw LaurelError.forbidden('this token belongs to another ceremony');
  }
}
