import { ValidationPipe, type ArgumentMetadata, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { ApiError, type ValidationError } from './api-error.js';

/** Flattens class-validator errors into Coder's `validations[]`, one entry per field path. */
export function toValidations(errors: ClassValidatorError[], parent = ''): ValidationError[] {
  const out: ValidationError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) {
      // A wrong type makes the other constraints' messages meaningless; report it alone.
      const kinds = Object.keys(e.constraints);
      const first = kinds.find((k) => TYPE_CONSTRAINTS.includes(k));
      const messages = (first ? [first] : kinds).map((kind) =>
        kind === 'whitelistValidation' ? `Unknown field "${field}".` : e.constraints![kind],
      );
      out.push({ field, detail: messages.join('; ') });
    }
    if (e.children?.length) out.push(...toValidations(e.children, field));
  }
  return out;
}

const TYPE_CONSTRAINTS = ['whitelistValidation', 'isArray', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isObject', 'nestedValidation'];

/** Deeper than any request we accept; class-transformer recurses and would overflow the stack. */
export const MAX_BODY_DEPTH = 32;

/**
 * One iterative walk over the body: too deep (class-transformer would recurse until the stack
 * overflows), or strings with NUL characters (PostgreSQL cannot store them) anywhere in it.
 */
function inspectBody(value: unknown, maxDepth: number): { tooDeep: boolean; nulFields: string[] } {
  const nulFields: string[] = [];
  const stack: Array<[unknown, number, string]> = [[value, 1, '']];
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) nulFields.push(path);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) return { tooDeep: true, nulFields };
    for (const [k, child] of Object.entries(v as object)) stack.push([child, depth + 1, path ? `${path}.${k}` : k]);
  }
  return { tooDeep: false, nulFields };
}

/** Bodies must be JSON objects; arrays, strings and null are refused before field validation. */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new ApiError(400, 'Request body must be a JSON object.');
      }
      const { tooDeep, nulFields } = inspectBody(value, MAX_BODY_DEPTH);
      if (tooDeep) throw new ApiError(400, `Request body is nested more than ${MAX_BODY_DEPTH} levels deep.`);
      if (nulFields.length) {
        throw new ApiError(400, 'Validation failed.', undefined, nulFields.sort().map((field) => ({ field, detail: 'Must not contain NUL characters.' })));
      }
    }
    return super.transform(value, metadata);
  }
}

/** Rejects unknown fields and wrong types with 400 "Validation failed." (no silent coercion of bodies). */
export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const validations = toValidations(errors);
      if (validations.length === 0) {
        return new ApiError(400, 'Request body must be a JSON object.');
      }
      return new ApiError(400, 'Validation failed.', undefined, validations);
    },
  });
}
