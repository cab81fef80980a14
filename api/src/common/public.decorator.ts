import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'medledger:public';

/**
 * Marks a route that anyone may call. Every other route must name the roles it allows:
 * access is denied by default.
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);
