/**
 * SimulatePrincipalPolicy's ContextEntries: checked against their declared ContextKeyType and
 * turned into what the evaluation engine takes. The engine reads every value from its string
 * form (a Numeric condition parses the number, an IpAddress condition the address), so a value
 * only has to be readable as its type; it is passed on as written, but for booleans, which the
 * Bool operator compares without regard to case anyway.
 */
import type { iam } from '@cairn/contracts';
import { parseBase64, parseDate, parseIpAddress, parseNumber } from '../evaluation/operators';
import { iamErrors } from '../iam/iam-errors';

/** The request values a simulation decides with. */
export interface SimulationContext {
  /** Condition keys as given (the engine matches them without regard to case). */
  readonly context: Readonly<Record<string, readonly string[]>>;
  /**
   * aws:CurrentTime / aws:EpochTime, aws:SourceIp and aws:SecureTransport: the engine derives
   * these keys from typed request fields and lets them win over `context`, so a value the
   * caller gives for them has to become that field to be seen at all.
   */
  readonly currentTime?: Date;
  readonly sourceIp?: string;
  readonly secureTransport?: boolean;
}

type BaseType = 'string' | 'numeric' | 'boolean' | 'ip' | 'binary' | 'date';

const READERS: Record<BaseType, (value: string) => boolean> = {
  string: () => true,
  numeric: (v) => parseNumber(v) !== undefined,
  boolean: (v) => /^(true|false)$/i.test(v),
  ip: (v) => parseIpAddress(v) !== undefined,
  binary: (v) => parseBase64(v) !== undefined,
  date: (v) => parseDate(v) !== undefined,
};

function parseType(entry: iam.SimulationContextEntry): { base: BaseType; list: boolean } {
  // IAM's model does not require the type; without one, the values' count says which it is.
  if (entry.type === '') return { base: 'string', list: entry.values.length !== 1 };
  const list = entry.type.endsWith('List');
  const base = (list ? entry.type.slice(0, -'List'.length) : entry.type) as BaseType;
  if (!Object.hasOwn(READERS, base)) {
    throw iamErrors.invalidInput(
      `Context key type ${entry.type} for ${entry.keyName} is not valid; use string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date or dateList.`,
    );
  }
  return { base, list };
}

export function readContextEntries(entries: readonly iam.SimulationContextEntry[]): SimulationContext {
  const context: Record<string, string[]> = {};
  const seen = new Set<string>();
  let currentTime: Date | undefined;
  let sourceIp: string | undefined;
  let secureTransport: boolean | undefined;
  for (const entry of entries) {
    const name = entry.keyName;
    if (!/^[^:\s]+:.+$/.test(name) || name.length > 256) throw iamErrors.invalidInput(`Context key name ${JSON.stringify(name)} is not valid; it has the form <prefix>:<key>, e.g. codecommit:References.`);
    const lower = name.toLowerCase();
    if (seen.has(lower)) throw iamErrors.invalidInput(`Context key ${name} is given more than once.`);
    seen.add(lower);
    const { base, list } = parseType(entry);
    if (!list && entry.values.length !== 1) throw iamErrors.invalidInput(`Context key ${name} of type ${entry.type || 'string'} takes exactly one value.`);
    for (const value of entry.values) {
      if (!READERS[base](value)) throw iamErrors.invalidInput(`Value ${JSON.stringify(value)} of context key ${name} is not a valid ${base}.`);
    }
    const values = base === 'boolean' ? entry.values.map((v) => v.toLowerCase()) : [...entry.values];
    // A key without values is a key the request does not carry, as in the engine.
    if (values.length === 0) continue;
    const single = values.length === 1 ? values[0]! : undefined;
    if ((lower === 'aws:currenttime' || lower === 'aws:epochtime') && single !== undefined) {
      const ms = parseDate(single);
      if (ms === undefined) throw iamErrors.invalidInput(`Value ${JSON.stringify(single)} of context key ${name} is not a valid date.`);
      currentTime = new Date(ms);
    } else if (lower === 'aws:sourceip' && single !== undefined) {
      if (parseIpAddress(single) === undefined) throw iamErrors.invalidInput(`Value ${JSON.stringify(single)} of context key ${name} is not a valid ip.`);
      sourceIp = single;
    } else if (lower === 'aws:securetransport' && single !== undefined) {
      if (!READERS.boolean(single)) throw iamErrors.invalidInput(`Value ${JSON.stringify(single)} of context key ${name} is not a valid boolean.`);
      secureTransport = single.toLowerCase() === 'true';
    } else {
      context[name] = values;
    }
  }
  return {
    context,
    ...(currentTime ? { currentTime } : {}),
    ...(sourceIp !== undefined ? { sourceIp } : {}),
    ...(secureTransport !== undefined ? { secureTransport } : {}),
  };
}
