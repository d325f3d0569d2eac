import type { Services } from '../services';
import type { User } from '../auth/roles';
import { AppError } from '../http/errors';

/**
 * Changing one's own password, for the API and the page alike. A wrong current password counts as a failed
 * sign-in of that username from that address, so a stolen session or token cannot be used to guess it.
 */
export async function changeOwnPassword(
  { users, throttle }: Pick<Services, 'users' | 'throttle'>,
  user: User,
  address: string,
  passwords: { current: string; new: string },
  keepToken: number | null,
): Promise<void> {
  throttle.check(user.username, address);
  try {
    await users.changePassword(user, passwords.current, passwords.new, keepToken);
  } catch (error) {
    if (error instanceof AppError && error.code === 'wrong_password') throttle.recordFailure(user.username, address);
    throw error;
  }
  throttle.recordSuccess(user.username);
}
