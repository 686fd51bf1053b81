import { UseGuards } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { commandContracts, LaurelError, type Actor, type CommandRequest, type CommandResponse, type CommandSubject } from '#contracts';
import { CORRELATION_HEADER, currentCorrelationId, runWithCorrelation } from '#observability';
import { actorOfRequest, COMMAND_SUBJECT, CommandGuard, headerOf } from './command-auth.js';
import { toRpcException } from './rpc-errors.js';
import { validatePayload } from './validation.js';
import { collectWrites, ReplyWithWrites } from './writes.js';

export { isDatabaseUnavailable, toRpcException } from './rpc-errors.js';

export interface CommandContext {
  correlationId: string;
  /** The caller, resolved from the credential header before the handler runs (never from the payload). */
  actor: Actor;
}

export type CommandHandler<S extends CommandSubject> = (request: CommandRequest<S>, ctx: CommandContext) => Promise<CommandResponse<S>>;

/**
 * A request/reply handler on Nest's NATS transport, typed by the subject map. Before the method runs,
 * CommandGuard resolves the caller's credential (header CREDENTIAL_HEADER) to an actor and refuses
 * whoever the subject's rule does not admit (401/403); then the payload is validated against the
 * subject's request class (400). The handler gets the actor in its context.
 */
export function Command<S extends CommandSubject>(subject: S) {
  return <T extends CommandHandler<S>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<T>): void => {
    const handler = descriptor.value!;
    const requestClass = commandContracts[subject].request as new () => CommandRequest<S>;
    const wrapped = async function (this: unknown, raw: unknown, natsContext?: NatsContext): Promise<CommandResponse<S>> {
      const headerId = headerOf(natsContext, CORRELATION_HEADER);
      return runWithCorrelation(headerId, async () => {
        try {
          // Fail closed: no actor means the guard did not run, and nothing happens.
          const actor = actorOfRequest(natsContext);
          if (!actor) throw new LaurelError(500, `${subject} was reached without authentication`);
          const request = await validatePayload(requestClass, raw);
          // What it committed to the outbox goes back in the reply's header (read-your-writes at the gateway).
          const { value, writes } = await collectWrites(() => handler.call(this, request, { correlationId: currentCorrelationId()!, actor }));
          return (writes.length > 0 ? new ReplyWithWrites(value, writes) : value) as CommandResponse<S>;
        } catch (error) {
          throw toRpcException(error, subject);
        }
      });
    };
    descriptor.value = wrapped as unknown as T;
    Reflect.defineMetadata(COMMAND_SUBJECT, subject, wrapped);
    // Explicit parameter bindings: without them Nest passes the payload only, and the headers
    // (correlation id, credential) would be lost.
    Payload()(target, key, 0);
    Ctx()(target, key, 1);
    UseGuards(CommandGuard)(target, key, descriptor);
    MessagePattern(subject)(target, key, descriptor);
  };
}
