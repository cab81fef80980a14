import { ComponentUnavailableError, NotFoundError } from '../common/domain-error.js';

export class ContentNotFoundError extends NotFoundError {
  override readonly code = 'CONTENT_NOT_FOUND';
}

export class ContentStoreUnavailableError extends ComponentUnavailableError {
  readonly code = 'IPFS_UNAVAILABLE';
}
