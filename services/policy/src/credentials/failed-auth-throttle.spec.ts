import { FailedAuthThrottle } from './failed-auth-throttle';

const LIMITS = { perIdentityAndAddress: 3, perAddress: 5, windowMs: 60_000, maxEntries: 100 };

describe('FailedAuthThrottle', () => {
  it('refuses an identity from an address after its failures there, and nowhere else', () => {
    const throttle = new FailedAuthThrottle(LIMITS);
    for (let i = 0; i < 3; i++) {
      expect(throttle.check('alice', '198.51.100.7', 1000).throttled).toBe(false);
      throttle.recordFailure('alice', '198.51.100.7', 1000);
    }
    expect(throttle.check('alice', '198.51.100.7', 1000)).toEqual({ throttled: true, retryAfterSeconds: 60 });
    // The rightful owner elsewhere is not locked out, nor is another user at the same address.
    expect(throttle.check('alice', '203.0.113.1', 1000).throttled).toBe(false);
    expect(throttle.check('bob', '198.51.100.7', 1000).throttled).toBe(false);
  });

  it('refuses an address that tries many identities', () => {
    const throttle = new FailedAuthThrottle(LIMITS);
    for (const user of ['a', 'b', 'c', 'd', 'e']) throttle.recordFailure(user, '198.51.100.7', 0);
    expect(throttle.check('f', '198.51.100.7', 0).throttled).toBe(true);
    expect(throttle.check('f', '203.0.113.1', 0).throttled).toBe(false);
  });

  it('forgets failures after the window, and says how long to wait until then', () => {
    const throttle = new FailedAuthThrottle(LIMITS);
    for (let i = 0; i < 3; i++) throttle.recordFailure('alice', '198.51.100.7', 0);
    expect(throttle.check('alice', '198.51.100.7', 45_000)).toEqual({ throttled: true, retryAfterSeconds: 15 });
    expect(throttle.check('alice', '198.51.100.7', 60_000).throttled).toBe(false);
  });

  it('clears the pair on a success', () => {
    const throttle = new FailedAuthThrottle(LIMITS);
    throttle.recordFailure('alice', '198.51.100.7', 0);
    throttle.recordFailure('alice', '198.51.100.7', 0);
    throttle.recordSuccess('alice', '198.51.100.7');
    throttle.recordFailure('alice', '198.51.100.7', 0);
    expect(throttle.check('alice', '198.51.100.7', 0).throttled).toBe(false);
  });

  it('keeps a bounded number of entries', () => {
    const throttle = new FailedAuthThrottle({ ...LIMITS, maxEntries: 4 });
    for (let i = 0; i < 3; i++) throttle.recordFailure('alice', '198.51.100.7', 0);
    for (let i = 0; i < 10; i++) throttle.recordFailure(`user${i}`, `192.0.2.${i}`, 0);
    // The oldest windows were forgotten to make room.
    expect(throttle.check('alice', '198.51.100.7', 0).throttled).toBe(false);
  });
});
