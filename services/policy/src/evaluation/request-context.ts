/**
 * The request an authorization decision is made for, and its condition context: the caller's
 * keys plus the global keys AWS derives from the principal and the call.
 *
 * "Condition key names are not case-sensitive" (reference_policies_elements_condition), and
 * neither are the tag-key parts of `aws:ResourceTag/<key>`, `aws:RequestTag/<key>` and
 * `aws:PrincipalTag/<key>` ("Key names are not case-sensitive"), so every key is looked up in
 * lower case. Values keep their case.
 */
import { parseDate, parseIpAddress, parseNumber } from './operators';
import type { VariableLookup } from './patterns';

export interface RequestPrincipal {
  /** ARN of the caller: `arn:aws:iam::<acct>:user/<path><name>`, `arn:aws:sts::<acct>:assumed-role/<role>/<session>`, ... */
  readonly arn: string;
  /** Friendly name; only IAM users have one (`aws:username` is absent for roles). */
  readonly userName?: string;
  /** `aws:userid`: `AIDA...` for a user, `AROA...:<session>` for a role session. */
  readonly userId: string;
  readonly accountId: string;
  /** Tags of the user or role, plus session tags (`aws:PrincipalTag/<key>`). */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * `aws:PrincipalArn` when it differs from what `arn` implies: for a role session AWS gives the
   * role's ARN, with its path, which the session ARN does not carry. When omitted it is derived
   * from `arn` (an assumed-role session maps to `arn:aws:iam::<acct>:role/<role>`).
   */
  readonly principalArn?: string;
}

export interface AuthorizationRequest {
  /** `<service>:<Action>`, e.g. `codecommit:GitPush`; matched without regard to case. */
  readonly action: string;
  /** Resource ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  readonly principal: RequestPrincipal;
  /**
   * Service-specific and request keys, e.g. `codecommit:References`, `aws:ResourceTag/team`,
   * `aws:RequestTag/team`, `aws:TagKeys`. A key with no values is absent. One value per
   * single-valued key: a push asks once per updated ref, each time with that ref alone.
   */
  readonly context?: Readonly<Record<string, readonly string[]>>;
  /** `aws:CurrentTime` and `aws:EpochTime`. */
  readonly currentTime: Date;
  /** `aws:SourceIp`; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is read as IPv4. */
  readonly sourceIp?: string;
  /** `aws:SecureTransport`. */
  readonly secureTransport?: boolean;
}

function derivePrincipalArn(arn: string): string {
  const m = /^arn:([^:]*):sts::(\d+):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}

function principalType(arn: string): string | undefined {
  if (/^arn:[^:]*:iam::\d+:root$/.test(arn)) return 'Account';
  if (/^arn:[^:]*:iam::\d+:user\//.test(arn)) return 'User';
  if (/^arn:[^:]*:sts::\d+:assumed-role\//.test(arn)) return 'AssumedRole';
  if (/^arn:[^:]*:sts::\d+:federated-user\//.test(arn)) return 'FederatedUser';
  return undefined;
}

/**
 * Keys derived from the typed request fields take precedence over the same keys in `context`,
 * so a caller cannot contradict the authenticated principal by accident.
 */
export class RequestContext implements VariableLookup {
  private readonly values = new Map<string, readonly string[]>();
  // Request values parsed for Numeric, Date and IP address conditions, once per request rather
  // than once per condition.
  private numbers: Map<string, number | undefined> | undefined;
  private readonly dates = new Map<string, number | undefined>();
  private addresses: Map<string, Uint8Array | undefined> | undefined;

  constructor(readonly request: AuthorizationRequest) {
    const { context, principal } = request;
    if (context) {
      for (const key of Object.keys(context)) {
        const v = context[key];
        if (v && v.length > 0) this.values.set(key.toLowerCase(), v);
      }
    }
    const set = (key: string, value: string | undefined): void => {
      if (value !== undefined) this.values.set(key, [value]);
    };
    set('aws:username', principal.userName);
    set('aws:userid', principal.userId);
    set('aws:principalarn', principal.principalArn ?? derivePrincipalArn(principal.arn));
    set('aws:principalaccount', principal.accountId);
    set('aws:principaltype', principalType(principal.arn));
    if (principal.tags) {
      for (const key of Object.keys(principal.tags)) set(`aws:principaltag/${key.toLowerCase()}`, principal.tags[key]);
    }
    const ms = request.currentTime.getTime();
    const iso = new Date(ms).toISOString();
    const epoch = Math.floor(ms / 1000);
    set('aws:currenttime', iso);
    set('aws:epochtime', String(epoch));
    this.dates.set(iso, ms);
    this.dates.set(String(epoch), epoch * 1000);
    set('aws:sourceip', request.sourceIp);
    if (request.secureTransport !== undefined) set('aws:securetransport', String(request.secureTransport));
  }

  /** Values of a key (lower-case name), or undefined when the request does not carry it. */
  get(lowerKey: string): readonly string[] | undefined {
    return this.values.get(lowerKey);
  }

  number(text: string): number | undefined {
    this.numbers ??= new Map();
    if (this.numbers.has(text)) return this.numbers.get(text);
    const n = parseNumber(text);
    this.numbers.set(text, n);
    return n;
  }

  /** Milliseconds since the epoch. */
  date(text: string): number | undefined {
    if (this.dates.has(text)) return this.dates.get(text);
    const ms = parseDate(text);
    this.dates.set(text, ms);
    return ms;
  }

  address(text: string): Uint8Array | undefined {
    this.addresses ??= new Map();
    if (this.addresses.has(text)) return this.addresses.get(text);
    const bytes = parseIpAddress(text);
    this.addresses.set(text, bytes);
    return bytes;
  }

  /**
   * The value a policy variable stands for. Only a single-valued key can be a variable ("you
   * cannot use multivalued context keys as policy variables").
   */
  variable(lowerKey: string): string | undefined {
    const v = this.values.get(lowerKey);
    return v !== undefined && v.length === 1 ? v[0] : undefined;
  }
}
