import type { Permission } from '#config';
import type { Principal } from './principal.js';

/** Injection token of the {@link PermissionChecker} (provided by libs/policy). */
export const PERMISSION_CHECKER = Symbol('PERMISSION_CHECKER');

/** Decides global permissions for the guard and the token API, without libs/auth knowing policies. */
export interface PermissionChecker {
  /** True when the policy grants `permission` (`admin`) to the principal. */
  can(principal: Principal, permission: Permission): boolean;
  /** Throws ForbiddenError with the policy's reason unless {@link can}. */
  assertCan(principal: Principal, permission: Permission): void;
  /** True when `glob` is a valid module path glob (for token restrictions). */
  isValidModulePattern(glob: string): boolean;
}
