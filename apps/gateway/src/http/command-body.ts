import 'reflect-metadata';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

const BODY = Symbol('laurel:command-body');

export interface CommandBodyOptions {
  /** Where the body sits in its command (`entry` for POST …/entries): problems are named by that path, as the service names them. */
  under?: string;
  /** A call that may come without a body (taken as `{}`). */
  optional?: boolean;
}

/**
 * Marks a REST body class derived from a command contract (PickType/OmitType over libs/contracts): the
 * global BodyValidationPipe validates it with the contract's class-validator rules, and its OpenAPI
 * schema is written from the same rules, so the document cannot drift from what is checked.
 */
export function CommandBody(options: CommandBodyOptions = {}): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(BODY, options, target);
    for (const [property, rules] of rulesByProperty(target as unknown as abstract new () => unknown)) ApiProperty(openApiOf(rules))(target.prototype as object, property);
  };
}

export function commandBodyOptions(target: unknown): CommandBodyOptions | undefined {
  return typeof target === 'function' ? (Reflect.getMetadata(BODY, target) as CommandBodyOptions | undefined) : undefined;
}

function rulesByProperty(target: abstract new (...args: never[]) => unknown): Map<string, ValidationMetadata[]> {
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(target, '', true, false)) {
    byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  }
  return byProperty;
}

type Schema = Record<string, unknown>;

/** One property's OpenAPI schema from its class-validator rules (the ones the contracts use). */
export function openApiOf(rules: readonly ValidationMetadata[]): ApiPropertyOptions {
  const own: Schema = {};
  const item: Schema = {};
  let isArray = false;
  for (const rule of rules) {
    const into = rule.each ? item : own;
    const [a, b] = (rule.constraints ?? []) as unknown[];
    switch (rule.name) {
      case 'isString':
        into.type = 'string';
        break;
      case 'isLength':
        into.type = 'string';
        if (typeof a === 'number' && a > 0) into.minLength = a;
        if (typeof b === 'number') into.maxLength = b;
        break;
      case 'isUuid':
        Object.assign(into, { type: 'string', format: 'uuid' });
        break;
      case 'isEmail':
        Object.assign(into, { type: 'string', format: 'email' });
        break;
      case 'matches':
        Object.assign(into, { type: 'string', pattern: (a as RegExp).source });
        break;
      case 'isIn':
        into.enum = [...(a as unknown[])];
        into.type ??= typeof (a as unknown[])[0];
        break;
      case 'isBoolean':
        into.type = 'boolean';
        break;
      case 'isInt':
        into.type = 'integer';
        break;
      case 'min':
        into.minimum = a;
        break;
      case 'max':
        into.maximum = b ?? a;
        break;
      case 'isObject':
        Object.assign(into, { type: 'object', additionalProperties: true });
        break;
      case 'isArray':
        isArray = true;
        break;
      case 'arrayMinSize':
        own.minItems = a;
        break;
      case 'arrayMaxSize':
        own.maxItems = a;
        break;
      default:
        break;
    }
  }
  const required = !rules.some((r) => r.type === 'conditionalValidation' && r.name === 'isOptional');
  const schema: Schema = isArray || Object.keys(item).length > 0 ? { ...own, type: 'array', items: item, required } : { ...own, required };
  return schema;
}
