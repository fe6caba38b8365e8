import { ValidationPipe, type ArgumentMetadata, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { ApiError, type ValidationError } from './api-error.js';

/** Flattens class-validator errors into Coder's `validations[]`, one entry per field path. */
export function toValidations(errors: ClassValidatorError[], parent = ''): ValidationError[] {
  const out: ValidationError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) {
      const messages = Object.entries(e.constraints).map(([kind, msg]) =>
        kind === 'whitelistValidation' ? `Unknown field "${field}".` : msg,
      );
      out.push({ field, detail: messages.join('; ') });
    }
    if (e.children?.length) out.push(...toValidations(e.children, field));
  }
  return out;
}

/** Bodies must be JSON objects; arrays, strings and null are refused before field validation. */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new ApiError(400, 'Request body must be a JSON object.');
      }
    }
    return super.transform(value, metadata);
  }
}

/** Rejects unknown fields and wrong types with 400 "Validation failed." (no silent coercion of bodies). */
export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    stopAtFirstError: true,
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
