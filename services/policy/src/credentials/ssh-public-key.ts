import { createHash, createPublicKey, JsonWebKey, KeyObject } from 'node:crypto';
import { iamErrors } from '../iam/iam-errors';

/**
 * SSH public keys as IAM takes them: an OpenSSH line ("ssh-ed25519 AAAA… comment") or a PEM
 * "PUBLIC KEY". The key is decoded from its SSH wire blob and rebuilt with node:crypto, which
 * rejects points off the curve and malformed keys; RSA keys must have at least 2048 bits.
 */
export interface SshKey {
  /** The SSH wire-format blob: what a client presents when it authenticates with the key. */
  blob: Buffer;
  /** MD5 of the blob as colon-separated hex, the fingerprint IAM shows. */
  fingerprint: string;
}

const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 16384;
const CURVES: Record<string, { crv: string; size: number }> = {
  nistp256: { crv: 'P-256', size: 32 },
  nistp384: { crv: 'P-384', size: 48 },
  nistp521: { crv: 'P-521', size: 66 },
};
const OPENSSH_LINE = /^(\S+)\s+([A-Za-z0-9+/]+={0,2})(\s.*)?$/s;

const unrecognized = () => iamErrors.unrecognizedKeyEncoding('The public key encoding format is unsupported or unrecognized. Use an OpenSSH ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa key, or a PEM public key.');
const invalid = (reason: string) => iamErrors.invalidPublicKey(`The public key is malformed or otherwise invalid: ${reason}`);

export function parseSshPublicKey(body: string): SshKey {
  const text = body.trim();
  // Only public PEM blocks: node would also derive a public key from a pasted private key.
  if (/^-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) return fromKeyObject(pemKey(text));
  const line = OPENSSH_LINE.exec(text);
  if (!line) throw unrecognized();
  const blob = Buffer.from(line[2]!, 'base64');
  if (blob.toString('base64') !== line[2]) throw unrecognized();
  keyFromBlob(blob, line[1]!);
  return { blob, fingerprint: md5Fingerprint(blob) };
}

/** "type base64", the OpenSSH form IAM returns with Encoding=SSH. */
export function openSshBody(blob: Buffer): string {
  return `${new SshReader(blob).string().toString('latin1')} ${blob.toString('base64')}`;
}

/** The PEM (SubjectPublicKeyInfo) form IAM returns with Encoding=PEM. */
export function pemBody(blob: Buffer): string {
  const reader = new SshReader(blob);
  return keyFromBlob(blob, reader.string().toString('latin1')).export({ type: 'spki', format: 'pem' }).toString();
}

export function md5Fingerprint(blob: Buffer): string {
  return createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
}

function pemKey(text: string): KeyObject {
  try {
    return createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw unrecognized();
  }
}

/** Decodes a blob and checks it is a well-formed key of the type its line names. */
function keyFromBlob(blob: Buffer, declaredType: string): KeyObject {
  const reader = new SshReader(blob);
  const type = reader.string().toString('latin1');
  if (type !== declaredType) throw invalid(`the key data is a ${type} key, not ${declaredType}`);
  let jwk: JsonWebKey;
  if (type === 'ssh-ed25519') {
    jwk = { kty: 'OKP', crv: 'Ed25519', x: reader.string().toString('base64url') };
  } else if (type === 'ssh-rsa') {
    const e = reader.mpint();
    const n = reader.mpint();
    jwk = { kty: 'RSA', e: e.toString('base64url'), n: n.toString('base64url') };
  } else if (type.startsWith('ecdsa-sha2-') && Object.hasOwn(CURVES, type.slice('ecdsa-sha2-'.length))) {
    const curveName = type.slice('ecdsa-sha2-'.length);
    const curve = CURVES[curveName]!;
    if (reader.string().toString('latin1') !== curveName) throw invalid('the curve does not match the key type');
    const point = reader.string();
    if (point.length !== 1 + 2 * curve.size || point[0] !== 4) throw invalid('the curve point is not an uncompressed point of the right size');
    jwk = { kty: 'EC', crv: curve.crv, x: point.subarray(1, 1 + curve.size).toString('base64url'), y: point.subarray(1 + curve.size).toString('base64url') };
  } else {
    throw unrecognized();
  }
  if (!reader.done()) throw invalid('unexpected data after the key');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    throw invalid('the key material is not a valid key');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (type === 'ssh-rsa' && (bits === undefined || bits < MIN_RSA_BITS || bits > MAX_RSA_BITS)) {
    throw invalid(`RSA keys must have ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits, this one has ${bits}`);
  }
  return key;
}

/** Rebuilds the SSH blob of a PEM key, so both inputs are stored and verified the same way. */
function fromKeyObject(key: KeyObject): SshKey {
  const jwk = key.export({ format: 'jwk' });
  let blob: Buffer;
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    blob = Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.from(jwk.x!, 'base64url'))]);
  } else if (jwk.kty === 'RSA') {
    blob = Buffer.concat([sshString('ssh-rsa'), sshMpint(Buffer.from(jwk.e!, 'base64url')), sshMpint(Buffer.from(jwk.n!, 'base64url'))]);
  } else if (jwk.kty === 'EC') {
    const curveName = Object.keys(CURVES).find((name) => CURVES[name]!.crv === jwk.crv);
    if (!curveName) throw unrecognized();
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    blob = Buffer.concat([sshString(`ecdsa-sha2-${curveName}`), sshString(curveName), sshString(point)]);
  } else {
    throw unrecognized();
  }
  keyFromBlob(blob, new SshReader(blob).string().toString('latin1'));
  return { blob, fingerprint: md5Fingerprint(blob) };
}

function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** RFC 4251 mpint: big-endian, with a zero byte in front when the top bit is set. */
function sshMpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const trimmed = unsigned.subarray(start);
  return sshString(trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

class SshReader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}

  string(): Buffer {
    if (this.offset + 4 > this.buffer.length) throw invalid('the key data is truncated');
    const length = this.buffer.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (start + length > this.buffer.length) throw invalid('the key data is truncated');
    this.offset = start + length;
    return this.buffer.subarray(start, start + length);
  }

  /** A positive mpint's magnitude, without sign padding. */
  mpint(): Buffer {
    const value = this.string();
    if (value.length === 0 || value[0]! & 0x80) throw invalid('a key number is zero or negative');
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start++;
    return value.subarray(start);
  }

  done(): boolean {
    return this.offset === this.buffer.length;
  }
}
