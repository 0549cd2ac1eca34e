import { TrustedProxies } from './client-address';

const request = (remoteAddress: string, forwardedFor?: string) => ({ socket: { remoteAddress } as never, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } });

describe('TrustedProxies', () => {
  const proxies = TrustedProxies.parse('127.0.0.1, 10.0.0.0/8, ::1');

  it('believes X-Forwarded-For only from a trusted proxy', () => {
    expect(proxies.clientAddress(request('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
    expect(proxies.clientAddress(request('127.0.0.1', '198.51.100.1'))).toBe('198.51.100.1');
  });

  it('takes the last address before the trusted hops, so a client cannot prepend its own', () => {
    expect(proxies.clientAddress(request('10.1.2.3', '6.6.6.6, 198.51.100.1, 10.9.9.9'))).toBe('198.51.100.1');
  });

  it('reads IPv4 on a dual-stack socket as IPv4, and ignores garbage hops', () => {
    expect(proxies.clientAddress(request('::ffff:127.0.0.1', 'not-an-ip, ::ffff:192.0.2.7'))).toBe('192.0.2.7');
    expect(proxies.clientAddress(request('::1'))).toBe('::1');
  });

  it('trusts nobody when the list is empty', () => {
    expect(TrustedProxies.parse('').clientAddress(request('127.0.0.1', '198.51.100.1'))).toBe('127.0.0.1');
  });

  it('refuses a malformed entry', () => {
    expect(() => TrustedProxies.parse('10.0.0.0/x')).toThrow(/not an address/);
    expect(() => TrustedProxies.parse('example.com')).toThrow(/not an address/);
  });
});

describe('TrustedProxies.isSecure', () => {
  const proxies = TrustedProxies.parse('127.0.0.1');
  const request = (remoteAddress: string, headers: Record<string, string>, encrypted = false) => ({ socket: { remoteAddress, encrypted } as never, headers });

  it('is secure on our own TLS socket, or when a trusted proxy says it terminated TLS', () => {
    expect(proxies.isSecure(request('203.0.113.9', {}, true))).toBe(true);
    expect(proxies.isSecure(request('127.0.0.1', { 'x-forwarded-proto': 'https' }))).toBe(true);
    expect(proxies.isSecure(request('203.0.113.9', { 'x-forwarded-proto': 'https' }))).toBe(false);
    expect(proxies.isSecure(request('127.0.0.1', { 'x-forwarded-proto': 'http' }))).toBe(false);
  });
});
