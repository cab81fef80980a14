import { DomainError } from '../common/domain-error.js';

/** A search names a parameter, modifier or prefix that the facade does not support: refused, never ignored. */
export class UnsupportedSearchError extends DomainError {
  readonly code = 'UNSUPPORTED_SEARCH';
  readonly status = 400;
}

/** The client asks for a format other than FHIR JSON (`_format=xml`, `Accept: application/fhir+xml`). */
export class UnsupportedFormatError extends DomainError {
  readonly code = 'NOT_ACCEPTABLE';
  readonly status = 406;
}

/** A FHIR path of a type or interaction the facade does not have. */
export class UnsupportedFhirPathError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
}

/** Another method than GET on a path of the read-only facade. */
export class FhirMethodNotAllowedError extends DomainError {
  readonly code = 'METHOD_NOT_ALLOWED';
  readonly status = 405;
}
