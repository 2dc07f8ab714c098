/**
 * The credential rules two features' forms share: the auth service's password policy (sign-up,
 * reset, the profile's password change) and the shape of a 2-FA code (sign-in, the profile's
 * 2-FA setup). Here rather than in a feature's index.ts so that only the lazy form pages import
 * them: a schema built at module level would pull zod into the first page's bundle.
 */
import { z } from "zod";

/** The auth service's policy (docs/auth.md): 8 to 256 characters; common ones it refuses itself. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN, "passwordShort")
  .max(PASSWORD_MAX, "passwordLong");

/** A TOTP (6 digits) or a recovery code (letters, digits, dashes). */
export const twoFactorCodeSchema = z
  .string()
  .trim()
  .min(6, "twoFactorCode")
  .max(64, "twoFactorCode");
