import { BadRequestException, ValidationPipe } from '@nestjs/common';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import type { ValidationError } from 'class-validator';

/**
 * The one way input is validated: the global pipe of every route's DTOs, and the same pipe
 * for bodies a route has to read itself (multipart fields, a JSON case report on the
 * upload route). Unknown fields are refused; failures are a 400 with field errors.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    // The same class-transformer and class-validator instances that the DTOs' decorators
    // registered with: Nest's own dynamic import of them does not see @Type rules.
    transformerPackage: classTransformer,
    validatorPackage: classValidator,
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new BadRequestException({ message: 'invalid input', errors: fieldErrors(errors) }),
  });
}

const pipe = createValidationPipe();

/** Validates and transforms `value` into an instance of `type`, as a route's @Body() would be. */
export async function validateInput<T extends object>(type: new () => T, value: unknown): Promise<T> {
  return (await pipe.transform(value ?? {}, { type: 'body', metatype: type })) as T;
}

/** `[{ field: 'patientId', messages: ['patientId must be a UUID'] }]`, nested fields dotted. */
function fieldErrors(errors: ValidationError[], parent = ''): Array<{ field: string; messages: string[] }> {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * Free text that PostgreSQL can store: no NUL character (a `text` column refuses it, and
 * the request would fail as a 500 instead of a 400 on its field).
 */
export const HasNoNulCharacter = () =>
  // eslint-disable-next-line no-control-regex -- the NUL character is exactly what it refuses
  classValidator.Matches(/^[^\u0000]*$/, { message: ({ property }) => `${property} must not contain NUL characters` });
