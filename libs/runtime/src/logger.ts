/** One JSON line per event on stderr. Fields named like secrets are redacted before writing. */
const SECRET_KEY = /pass(word)?|secret|token|authorization|credential|signature/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]));
}

export class Logger {
  constructor(private readonly service: string) {}
  private write(level: string, msg: string, fields?: Record<string, unknown>) {
    const line = { time: new Date().toISOString(), level, service: this.service, msg, ...(redact(fields ?? {}) as object) };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  }
  info(msg: string, fields?: Record<string, unknown>) {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>) {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>) {
    this.write('error', msg, fields);
  }
}
