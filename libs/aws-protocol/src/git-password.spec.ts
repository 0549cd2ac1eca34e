import { gitPasswordMatches, gitPasswordSignature, parseGitPassword, parseGitPasswordUsername } from './git-password';

// The reference's vector, computed with botocore's SigV4Auth the way the CLI helper does.
const VECTOR = {
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  host: 'git-codecommit.us-east-1.amazonaws.com',
  path: '/v1/repos/MyDemoRepo',
  timestamp: '20240101T000000',
};
const VECTOR_PASSWORD = '20240101T000000Za7f1fe4a1e7e6ca411b3311eca2dd8761df3ec95b25ca7f0dc1c2394db27ef32';
const VECTOR_TIME = new Date('2024-01-01T00:00:00Z');

describe('SigV4 Git passwords', () => {
  it('computes the reference test vector', () => {
    expect(`${VECTOR.timestamp}Z${gitPasswordSignature(VECTOR)}`).toBe(VECTOR_PASSWORD);
  });

  it('parses the password and accepts it for the signed host and path', () => {
    const password = parseGitPassword(VECTOR_PASSWORD)!;
    expect(password.signedAt).toEqual(VECTOR_TIME);
    const candidates = { secretAccessKey: VECTOR.secretAccessKey, region: VECTOR.region, hosts: ['git-codecommit.us-east-1.amazonaws.com:443', VECTOR.host], paths: [VECTOR.path, `${VECTOR.path}/`] };
    expect(gitPasswordMatches(password, candidates, VECTOR_TIME)).toBe(true);
  });

  it.each([
    ['another secret', { secretAccessKey: 'x'.repeat(40) }],
    ['another region', { region: 'eu-west-1' }],
    ['another host', { hosts: ['evil.example.com'] }],
    ['another repository', { paths: ['/v1/repos/Other'] }],
  ])('refuses a password checked with %s', (_label, change) => {
    const candidates = { secretAccessKey: VECTOR.secretAccessKey, region: VECTOR.region, hosts: [VECTOR.host], paths: [VECTOR.path], ...change };
    expect(gitPasswordMatches(parseGitPassword(VECTOR_PASSWORD)!, candidates, VECTOR_TIME)).toBe(false);
  });

  it('accepts about 15 minutes of clock difference either way, and no more', () => {
    const candidates = { secretAccessKey: VECTOR.secretAccessKey, region: VECTOR.region, hosts: [VECTOR.host], paths: [VECTOR.path] };
    const password = parseGitPassword(VECTOR_PASSWORD)!;
    const minutes = (m: number) => new Date(VECTOR_TIME.getTime() + m * 60_000);
    expect(gitPasswordMatches(password, candidates, minutes(14))).toBe(true);
    expect(gitPasswordMatches(password, candidates, minutes(-14))).toBe(true);
    expect(gitPasswordMatches(password, candidates, minutes(16))).toBe(false);
    expect(gitPasswordMatches(password, candidates, minutes(-16))).toBe(false);
  });

  it.each(['', 'hunter2', '20240101T000000Z', '20241301T000000Z' + 'a'.repeat(64), '20240101T000000z' + 'a'.repeat(64), '20240101T000000Z' + 'A'.repeat(64)])(
    'does not read %j as a signed password',
    (text) => expect(parseGitPassword(text)).toBeUndefined(),
  );

  it('reads access key user names, with the session token of temporary credentials', () => {
    expect(parseGitPasswordUsername('AKIAIOSFODNN7EXAMPLE')).toEqual({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
    expect(parseGitPasswordUsername('ASIAIOSFODNN7EXAMPLE%FwoG/token+with=chars')).toEqual({ accessKeyId: 'ASIAIOSFODNN7EXAMPLE', sessionToken: 'FwoG/token+with=chars' });
    expect(parseGitPasswordUsername('alice-at-123456789012')).toBeUndefined();
    expect(parseGitPasswordUsername('AKIAIOSFODNN7EXAMPLE%')).toBeUndefined();
  });
});
