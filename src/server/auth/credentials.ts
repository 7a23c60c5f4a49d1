import type { FastifyRequest } from "fastify";
import type { UsersRepository } from "../../db/repositories/users.js";
import type { User } from "../../db/schema.js";
import { AppError } from "../../errors.js";
import type { LoginThrottle } from "./login-throttle.js";
import { verifyPassword } from "./passwords.js";

/**
 * The user behind an email and password, or `invalid_credentials`; throttled per email
 * and IP, and as slow for unknown emails as for known ones.
 */
export async function checkCredentials(
  users: UsersRepository,
  throttle: LoginThrottle,
  request: FastifyRequest,
  credentials: { email: string; password: string },
): Promise<User> {
  await throttle.reserve(credentials.email, request.ip);
  const user = await users.findByEmail(credentials.email);
  const ok = await verifyPassword(user?.password_hash, credentials.password);
  // A wrong one stays counted: the attempt was reserved as a failure.
  if (!user || !ok) throw new AppError("invalid_credentials");
  await throttle.succeeded(credentials.email, request.ip);
  return user;
}
