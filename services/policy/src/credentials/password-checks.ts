import { Injectable } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { verifyPassword } from './secrets';

const REMEMBERED = 10_000;

/**
 * The slow hash, run once per distinct (password, stored hash): a clone makes several requests
 * in a row with the same credentials. What is remembered is an HMAC under a per-process key,
 * never the password; and the credential's status is read from the store on every request, so
 * a deactivated or deleted credential is refused at once.
 */
@Injectable()
export class PasswordChecks {
  private readonly key = randomBytes(32);
  private readonly verified = new Set<string>();

  async matches(password: string, storedHash: string): Promise<boolean> {
    const token = createHmac('sha256', this.key).update(storedHash).update('\0').update(password).digest('base64');
    if (this.verified.has(token)) return true;
    if (!(await verifyPassword(password, storedHash))) return false;
    if (this.verified.size >= REMEMBERED) this.verified.clear();
    this.verified.add(token);
    return true;
  }
}
