import { ValidateBy, type ValidationOptions } from 'class-validator';

/** An object whose every value is a string (tags, labels): `@IsObject()` alone lets numbers and nested objects through. */
export function IsStringMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringMap',
      validator: {
        validate: (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'),
        defaultMessage: () => 'Must be an object of string values.',
      },
    },
    options,
  );
}
