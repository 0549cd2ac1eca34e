import { PrincipalCache } from './principal-cache';

const entry = { administrator: false, found: undefined };

describe('PrincipalCache', () => {
  it('serves an entry until the store generation moves', () => {
    const cache = new PrincipalCache(1000);
    cache.set('arn:aws:iam::123456789012:user/alice', entry, 7, 0);
    expect(cache.get('arn:aws:iam::123456789012:user/alice', 7, 10)).toBe(entry);
    expect(cache.get('arn:aws:iam::123456789012:user/alice', 8, 10)).toBeUndefined();
    expect(cache.get('arn:aws:iam::123456789012:user/alice', 7, 10)).toBeUndefined();
  });

  it('drops an entry after its time to live (other replicas may have written)', () => {
    const cache = new PrincipalCache(1000);
    cache.set('p', entry, 1, 0);
    expect(cache.get('p', 1, 999)).toBe(entry);
    expect(cache.get('p', 1, 1000)).toBeUndefined();
  });

  it('remembers nothing when turned off', () => {
    const cache = new PrincipalCache(0);
    cache.set('p', entry, 1, 0);
    expect(cache.get('p', 1, 0)).toBeUndefined();
  });
});
