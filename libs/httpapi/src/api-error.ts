import { HttpStatus } from '@nestjs/common';

export interface ValidationError {
  field: string;
  detail: string;
}

/** Coder's error body: {message, detail?, validations?}. */
export interface ErrorBody {
  message: string;
  detail?: string;
  validations?: ValidationError[];
}

/** Thrown by services; the exception filter writes it as Coder's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail?: string,
    readonly validations?: ValidationError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  body(): ErrorBody {
    const body: ErrorBody = { message: this.message };
    if (this.detail) body.detail = this.detail;
    if (this.validations?.length) body.validations = this.validations;
    return body;
  }
}

/**
 * An error of another protocol spoken on this server (OAuth2's `{error, error_description}`): the
 * body is the protocol's own, not Coder's. The message is kept for logs.
 */
export class ProtocolError extends ApiError {
  constructor(
    status: number,
    readonly wireBody: object,
    message: string,
    headers?: Record<string, string>,
  ) {
    super(status, message, undefined, undefined, headers);
  }
}

export const badRequest = (message: string, detail?: string, validations?: ValidationError[]) =>
  new ApiError(HttpStatus.BAD_REQUEST, message, detail, validations);

/** One invalid field: "Validation failed." with a single validation entry, as Coder's handlers do. */
export const invalidField = (field: string, detail: string, message = 'Validation failed.') =>
  new ApiError(HttpStatus.BAD_REQUEST, message, undefined, [{ field, detail }]);

/** Coder answers 404 for what the caller may not read, so a hidden row looks like a missing one. */
export const notFound = (detail?: string) => new ApiError(HttpStatus.NOT_FOUND, 'Resource not found or you do not have access to this resource', detail);

export const forbidden = (detail?: string) => new ApiError(HttpStatus.FORBIDDEN, 'Forbidden.', detail);

export const conflict = (message: string, detail?: string, validations?: ValidationError[]) =>
  new ApiError(HttpStatus.CONFLICT, message, detail, validations);
