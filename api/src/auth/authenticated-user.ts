import type { Role } from '../users/user.entity.js';

/** Who is calling, as the guards established it from a valid token and a live session. */
export interface AuthenticatedUser {
  id: string;
  role: Role;
  hospital: string;
  sessionId: string;
  /**
   * The session reaches second-factor enrolment and sign-out only (a staff member who has
   * not confirmed a second factor yet); the access guard refuses everything else.
   */
  awaitsSecondFactor?: boolean;
}

/** Claims of an access token: subject, session, role and hospital (no PHI). */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
  role: Role;
  hsp: string;
}
