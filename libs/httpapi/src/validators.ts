import { ValidateBy, type ValidationOptions } from 'class-validator';

const mapOf = (name: string, each: (x: unknown) => boolean, message: string, options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name,
      validator: {
        validate: (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(each),
        defaultMessage: () => message,
      },
    },
    options,
  );

/** An object whose every value is a string (tags, labels): `@IsObject()` alone lets numbers and nested objects through. */
export function IsStringMap(options?: ValidationOptions): PropertyDecorator {
  return mapOf('isStringMap', (x) => typeof x === 'string', 'Must be an object of string values.', options);
}

/** An object whose every value is a whole number of at least 0 (counts by name). */
export function IsCountMap(options?: ValidationOptions): PropertyDecorator {
  return mapOf('isCountMap', (x) => Number.isSafeInteger(x) && (x as number) >= 0, 'Must be an object of whole numbers of at least 0.', options);
}
