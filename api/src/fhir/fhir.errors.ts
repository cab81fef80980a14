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
