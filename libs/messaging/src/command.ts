import { Logger } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RpcException, type NatsContext } from '@nestjs/microservices';
import { commandContracts, LaurelError, type CommandRequest, type CommandResponse, type CommandSubject } from '#contracts';
import { CORRELATION_HEADER, currentCorrelationId, runWithCorrelation } from '#observability';
import { validatePayload } from './validation.js';

export interface CommandContext {
  correlationId: string;
}

export type CommandHandler<S extends CommandSubject> = (request: CommandRequest<S>, ctx: CommandContext) => Promise<CommandResponse<S>>;

const logger = new Logger('Command');

/** Maps anything a handler throws to the contract's error body carried back over NATS. */
export function toRpcException(error: unknown, subject: string): RpcException {
  if (error instanceof LaurelError) return new RpcException(error.toBody());
  logger.error(`${subject} failed: ${(error as Error)?.stack ?? String(error)}`);
  return new RpcException(
    new LaurelError(500, `internal error while handling ${subject} (correlation id ${currentCorrelationId() ?? 'none'})`).toBody(),
  );
}

/**
 * A request/reply handler on Nest's NATS transport, typed by the subject map and validated on receipt:
 * the payload is checked against the subject's request class before the method runs.
 */
export function Command<S extends CommandSubject>(subject: S) {
  return <T extends CommandHandler<S>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<T>): void => {
    const handler = descriptor.value!;
    const requestClass = commandContracts[subject].request as new () => CommandRequest<S>;
    const wrapped = async function (this: unknown, raw: unknown, natsContext?: NatsContext): Promise<CommandResponse<S>> {
      const headerId = natsContext?.getHeaders?.()?.get(CORRELATION_HEADER) || undefined;
      return runWithCorrelation(headerId, async () => {
        try {
          const request = await validatePayload(requestClass, raw);
          return await handler.call(this, request, { correlationId: currentCorrelationId()! });
        } catch (error) {
          throw toRpcException(error, subject);
        }
      });
    };
    descriptor.value = wrapped as unknown as T;
    // Explicit parameter bindings: without them Nest passes the payload only, and the headers
    // (correlation id) would be lost.
    Payload()(target, key, 0);
    Ctx()(target, key, 1);
    MessagePattern(subject)(target, key, descriptor);
  };
}
