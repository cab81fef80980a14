import { SetMetadata } from '@nestjs/common';

export const DURING_SECOND_FACTOR_ENROLMENT = 'medledger:during-second-factor-enrolment';

/**
 * A route that a session awaiting second-factor enrolment may call (enrolment itself and
 * sign-out); the access guard refuses every other route to such a session with 403
 * SECOND_FACTOR_ENROLMENT_REQUIRED.
 */
export const DuringSecondFactorEnrolment = () => SetMetadata(DURING_SECOND_FACTOR_ENROLMENT, true);
