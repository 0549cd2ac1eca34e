/**
 * The one JSON text of a value that the hash chain is computed over: object keys sorted (by UTF-16
 * code units, as RFC 8785 orders them), no whitespace, members whose value is undefined left out,
 * numbers and strings as JSON.stringify writes them. Two producers that build the same record with
 * their keys in another order therefore get the same text, and the stored text hashes the same
 * after any round trip through JSON.parse.
 */
export function canonicalJson(value: unknown): string {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined || typeof item === 'function' ? 'null' : canonicalJson(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .filter((key) => {
        const member = (value as Record<string, unknown>)[key];
        return member !== undefined && typeof member !== 'function';
      })
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
