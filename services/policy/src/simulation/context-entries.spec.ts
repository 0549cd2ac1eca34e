import { domainCodeOf } from '@cairn/contracts';
import { readContextEntries } from './context-entries';

const entry = (keyName: string, values: string[], type = '') => ({ keyName, values, type });

function invalid(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(domainCodeOf(error)).toBe('InvalidInputException');
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('readContextEntries', () => {
  it('passes keys on with their values', () => {
    expect(readContextEntries([entry('codecommit:References', ['refs/heads/main'], 'string'), entry('aws:TagKeys', ['a', 'b'], 'stringList')])).toEqual({
      context: { 'codecommit:References': ['refs/heads/main'], 'aws:TagKeys': ['a', 'b'] },
    });
  });

  it('accepts values readable as their type and refuses the others', () => {
    expect(readContextEntries([entry('aws:MultiFactorAuthAge', ['60'], 'numeric')]).context).toEqual({ 'aws:MultiFactorAuthAge': ['60'] });
    expect(readContextEntries([entry('svc:Flags', ['TRUE', 'false'], 'booleanList')]).context).toEqual({ 'svc:Flags': ['true', 'false'] });
    expect(readContextEntries([entry('svc:Nets', ['10.0.0.1', '::1'], 'ipList')]).context).toEqual({ 'svc:Nets': ['10.0.0.1', '::1'] });
    expect(readContextEntries([entry('svc:When', ['2024-01-01T00:00:00Z'], 'date')]).context).toEqual({ 'svc:When': ['2024-01-01T00:00:00Z'] });
    expect(readContextEntries([entry('svc:Blob', ['aGVsbG8='], 'binary')]).context).toEqual({ 'svc:Blob': ['aGVsbG8='] });

    expect(invalid(() => readContextEntries([entry('aws:MultiFactorAuthAge', ['an hour'], 'numeric')]))).toMatch(/not a valid numeric/);
    expect(invalid(() => readContextEntries([entry('svc:Flag', ['yes'], 'boolean')]))).toMatch(/not a valid boolean/);
    expect(invalid(() => readContextEntries([entry('svc:Net', ['10.0.0.300'], 'ip')]))).toMatch(/not a valid ip/);
    expect(invalid(() => readContextEntries([entry('svc:When', ['yesterday'], 'date')]))).toMatch(/not a valid date/);
    expect(invalid(() => readContextEntries([entry('svc:Blob', ['not base64!'], 'binary')]))).toMatch(/not a valid binary/);
  });

  it('refuses an unknown type, several values for a single-valued type, a malformed or repeated key', () => {
    expect(invalid(() => readContextEntries([entry('codecommit:References', ['x'], 'text')]))).toMatch(/type text/);
    expect(invalid(() => readContextEntries([entry('codecommit:References', ['a', 'b'], 'string')]))).toMatch(/exactly one value/);
    expect(invalid(() => readContextEntries([entry('References', ['a'], 'string')]))).toMatch(/not valid/);
    expect(invalid(() => readContextEntries([entry('svc:Key', ['a']), entry('SVC:key', ['b'])]))).toMatch(/more than once/);
  });

  it('infers string or stringList when the type is left out', () => {
    expect(readContextEntries([entry('svc:One', ['a']), entry('svc:Many', ['a', 'b'])]).context).toEqual({ 'svc:One': ['a'], 'svc:Many': ['a', 'b'] });
  });

  it('turns the keys the engine derives into request fields, so that they take effect', () => {
    expect(
      readContextEntries([
        entry('aws:CurrentTime', ['2030-01-01T00:00:00Z'], 'date'),
        entry('aws:SourceIp', ['10.1.2.3'], 'ip'),
        entry('aws:SecureTransport', ['True'], 'boolean'),
      ]),
    ).toEqual({ context: {}, currentTime: new Date('2030-01-01T00:00:00Z'), sourceIp: '10.1.2.3', secureTransport: true });
    expect(readContextEntries([entry('aws:EpochTime', ['1700000000'], 'numeric')]).currentTime).toEqual(new Date(1_700_000_000_000));
  });
});
