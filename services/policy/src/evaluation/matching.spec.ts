import { ipInRange, parseCidr, parseConditionOperator, parseDate, parseIpAddress, parseNumber } from './operators';
import { compilePattern, matchPattern, resourceVariablesFrom, type MatchMode } from './patterns';

const vars: Record<string, string> = { 'aws:username': 'alice', 'aws:principaltag/team': 'a*b' };
const lookup = { variable: (k: string): string | undefined => vars[k] };
const match = (pattern: string, mode: MatchMode, value: string, variablesFrom: number | false = 0): boolean | undefined =>
  matchPattern(compilePattern(pattern, mode, variablesFrom), mode === 'action' ? value.toLowerCase() : value, lookup);

describe('patterns', () => {
  it.each([
    ['arn:aws:codecommit:*', 'arn:aws:codecommit:us-east-1:111122223333:Repo', true],
    ['arn:aws:codecommit:*:*:Repo', 'arn:aws:codecommit:us-east-1:111122223333:Repo', true],
    ['arn:aws:codecommit:us-*-1:111122223333:*', 'arn:aws:codecommit:us-east-1:111122223333:Repo', true],
    ['arn:aws:codecommit:us-*1:Repo', 'arn:aws:codecommit:us-east-1:111122223333:Repo', false],
    ['arn:aws:codecommit:us-east-1:111122223333:Re?o', 'arn:aws:codecommit:us-east-1:111122223333:Repo', true],
    ['arn:aws:codecommit:us-east-?:111122223333:Repo', 'arn:aws:codecommit:us-east-1:111122223333:Repo', true],
    ['arn:aws:iam::111122223333:user/*', 'arn:aws:iam::111122223333:user/path/alice', true],
    ['arn:aws:iam::111122223333:user/*', 'arn:aws:iam::111122223333:role/alice', false],
    ['*', 'anything at all', true],
  ])('resource %s ~ %s = %s', (pattern, value, expected) => {
    expect(match(pattern, 'resource', value, resourceVariablesFrom(pattern))).toBe(expected);
  });

  it.each([
    ['arn:aws:*:*:*:*', 'arn:aws:sns:us-east-1:111122223333:topic', true],
    ['arn:???:*:*:*:*', 'arn:aws:sns:us-east-1:111122223333:topic', true],
    ['arn:aws:sns:*:111122223333:*', 'arn:aws:sns:us-east-1:111122223333:topic:sub', true],
    ['arn:aws:sns:*:111122223333:*', 'arn:aws:sns:us-east-1:999:x:111122223333:topic', false],
    ['arn:aws:sns:*', 'arn:aws:sns:us-east-1:111122223333:topic', false],
    ['arn:aws:iam::*:user/${aws:username}', 'arn:aws:iam::111122223333:user/alice', true],
    ['*', 'arn:aws:iam::111122223333:user/alice', true],
  ])('ArnLike %s ~ %s = %s', (pattern, value, expected) => {
    expect(match(pattern, 'arn', value)).toBe(expected);
  });

  it('StringLike wildcards, literal specials and literal variable values', () => {
    expect(match('a*', 'like', 'a:b/c')).toBe(true);
    expect(match('a?c', 'like', 'abc')).toBe(true);
    expect(match('a?c', 'like', 'ac')).toBe(false);
    expect(match('a${*}', 'like', 'a*')).toBe(true);
    expect(match('a${*}', 'like', 'ab')).toBe(false);
    expect(match('${aws:PrincipalTag/team}', 'like', 'a*b')).toBe(true);
    expect(match('${aws:PrincipalTag/team}', 'like', 'axxb')).toBe(false);
    expect(match('x.y(z)', 'like', 'x.y(z)')).toBe(true);
    expect(match('x.y', 'like', 'xzy')).toBe(false);
  });

  it('variables: defaults, absent keys, unterminated ${', () => {
    expect(match("${aws:PrincipalTag/dept, 'none'}", 'exact', 'none')).toBe(true);
    expect(match('${aws:PrincipalTag/dept}', 'exact', '')).toBeUndefined();
    expect(match('${aws:userName}', 'exact', 'alice')).toBe(true);
    expect(match('abc${aws:username', 'exact', 'abc${aws:username')).toBe(true);
    expect(match('${aws:username}', 'exact', '${aws:username}', false)).toBe(true);
  });

  it('actions are case-insensitive and keep the service prefix', () => {
    expect(match('codecommit:Get*', 'action', 'CodeCommit:GetBranch')).toBe(true);
    expect(match('codecommit:Get*', 'action', 'codecommitx:GetBranch')).toBe(false);
    expect(match('*:Get*', 'action', 'iam:GetUser')).toBe(true);
  });

  it('resourceVariablesFrom points after the fifth colon', () => {
    expect(resourceVariablesFrom('arn:aws:s3:::bucket/${aws:username}')).toBe('arn:aws:s3:::'.length);
    expect(resourceVariablesFrom('arn:aws:codecommit')).toBe('arn:aws:codecommit'.length);
  });
});

describe('operators', () => {
  it('reads qualifiers and IfExists', () => {
    expect(parseConditionOperator('ForAllValues:StringNotLikeIfExists')).toMatchObject({ qualifier: 'ForAllValues', ifExists: true, base: { name: 'StringNotLike', negated: true } });
    expect(parseConditionOperator('numericlessthan')).toMatchObject({ qualifier: undefined, ifExists: false, base: { name: 'NumericLessThan' } });
    expect(() => parseConditionOperator('IfExists')).toThrow('Invalid Condition type : IfExists');
  });

  it('parses numbers strictly', () => {
    expect([parseNumber('10'), parseNumber('-1.5'), parseNumber('1e3'), parseNumber('0x10'), parseNumber(''), parseNumber('1,000')]).toEqual([10, -1.5, 1000, undefined, undefined, undefined]);
  });

  it('parses W3C ISO 8601 dates and epoch seconds', () => {
    const utc = Date.UTC(2024, 5, 1, 12, 0, 0);
    expect(parseDate('2024-06-01T12:00:00Z')).toBe(utc);
    expect(parseDate('2024-06-01T12:00Z')).toBe(utc);
    expect(parseDate('2024-06-01T12:00:00.000Z')).toBe(utc);
    expect(parseDate('2024-06-01T07:00:00-05:00')).toBe(utc);
    expect(parseDate('2024-06-01T12:00:00')).toBe(utc);
    expect(parseDate(String(utc / 1000))).toBe(utc);
    expect(parseDate('2024')).toBe(Date.UTC(2024, 0, 1));
    expect(parseDate('2024-06')).toBe(Date.UTC(2024, 5, 1));
    expect([parseDate('2024-13-01'), parseDate('June 1, 2024'), parseDate('')]).toEqual([undefined, undefined, undefined]);
  });

  it('parses IPv4/IPv6 addresses and ranges', () => {
    const inRange = (ip: string, cidr: string): boolean => ipInRange(parseIpAddress(ip) as Uint8Array, parseCidr(cidr) as NonNullable<ReturnType<typeof parseCidr>>);
    expect(inRange('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inRange('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(inRange('10.1.2.3', '10.1.2.0/23')).toBe(true);
    expect(inRange('10.1.4.3', '10.1.2.0/23')).toBe(false);
    expect(inRange('::1', '::1')).toBe(true);
    expect(inRange('2001:db8::ffff:1', '2001:db8::/33')).toBe(true);
    expect(inRange('2001:db8:8000::1', '2001:db8::/33')).toBe(false);
    expect(inRange('::ffff:10.0.0.1', '10.0.0.0/8')).toBe(true);
    expect(inRange('10.0.0.1', '::ffff:10.0.0.0/104')).toBe(true);
    expect(inRange('2001:db8::1', '0.0.0.0/0')).toBe(false);
    expect([parseIpAddress('256.0.0.1'), parseIpAddress('1.2.3'), parseIpAddress('1::2::3'), parseIpAddress('12345::')]).toEqual([undefined, undefined, undefined, undefined]);
    expect([parseCidr('10.0.0.0/33'), parseCidr('::/129'), parseCidr('10.0.0.0/')]).toEqual([undefined, undefined, undefined]);
  });
});
