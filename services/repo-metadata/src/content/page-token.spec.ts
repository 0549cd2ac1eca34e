import { domainCodeOf } from '@cairn/contracts';
import { decodePageToken, encodePageToken, requestDigest } from './page-token';

describe('page tokens', () => {
  const digest = requestDigest('GetDifferences', 'repo', 'main', 'feature', '', '');
  const commits = { before: 'a'.repeat(40), after: '' };

  it('round-trips the position and the pinned commits', () => {
    expect(decodePageToken(encodePageToken({ offset: 100, commits }, digest), digest)).toEqual({ offset: 100, commits });
  });

  it('refuses tokens of another request, tampered or malformed tokens', () => {
    const token = encodePageToken({ offset: 100, commits }, digest);
    const other = requestDigest('GetDifferences', 'repo', 'main', 'other', '', '');
    const forged = Buffer.from(JSON.stringify({ o: 5, c: { before: '../../x' }, d: digest })).toString('base64url');
    const negative = Buffer.from(JSON.stringify({ o: -5, c: {}, d: digest })).toString('base64url');
    for (const [bad, against] of [[token, other], ['bogus', digest], ['', digest], [forged, digest], [negative, digest]]) {
      let code: string | undefined;
      try {
        decodePageToken(bad, against);
      } catch (error) {
        code = domainCodeOf(error);
      }
      expect(code).toBe('InvalidContinuationTokenException');
    }
  });
});
