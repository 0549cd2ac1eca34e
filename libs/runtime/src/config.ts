/**
 * Configuration is read once at boot from the environment and validated as a whole: a service
 * with bad settings refuses to start and names every bad variable at once.
 */
export interface ConfigField<T> {
  env: string;
  default?: T;
  parse: (raw: string) => T;
  /** Secrets are never echoed back in error messages. */
  secret?: boolean;
}

export const str = (env: string, def?: string): ConfigField<string> => ({ env, default: def, parse: (raw) => raw });
export const int = (env: string, def?: number): ConfigField<number> => ({
  env,
  default: def,
  parse: (raw) => {
    if (!/^\d+$/.test(raw)) throw new Error('must be a non-negative integer');
    return Number(raw);
  },
});
export const url = (env: string, def?: string): ConfigField<string> => ({
  env,
  default: def,
  parse: (raw) => {
    new URL(raw);
    return raw;
  },
});

export class ConfigError extends Error {}

export function loadConfig<S extends Record<string, ConfigField<unknown>>>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): { [K in keyof S]: S[K] extends ConfigField<infer T> ? T : never } {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) {
    const raw = env[field.env];
    if (raw === undefined || raw === '') {
      if (field.default === undefined) problems.push(`${field.env} is required`);
      else out[key] = field.default;
      continue;
    }
    try {
      out[key] = field.parse(raw);
    } catch (error) {
      problems.push(`${field.env}${field.secret ? '' : `=${JSON.stringify(raw)}`}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return out as never;
}
