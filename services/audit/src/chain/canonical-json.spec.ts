import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('is the same for the same record built in another key order, and survives a JSON round trip', () => {
    const one = { eventName: 'GitPush', userIdentity: { type: 'IAMUser', userName: 'alice' }, readOnly: false };
    const two = { readOnly: false, userIdentity: { userName: 'alice', type: 'IAMUser' }, eventName: 'GitPush' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
    expect(canonicalJson(JSON.parse(canonicalJson(one)))).toBe(canonicalJson(one));
  });

  it('leaves out undefined members, writes undefined array items as null, escapes strings as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 'x"\u2028\n'] })).toBe('{"b":[null,"x\\"\u2028\\n"]}');
  });

  it('orders keys by code unit, not locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, é: 4 })).toBe('{"B":2,"a":3,"b":1,"é":4}');
  });
});
