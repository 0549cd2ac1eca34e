/** Smallest RSA modulus Cairn takes, as IAM UploadSSHPublicKey does (policy's ssh-public-key.ts). */
export const MIN_RSA_BITS = 2048;
const ACCEPTED = new Set(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa']);

/**
 * Why a client's public key (its SSH wire blob) is refused before Cairn looks it up, or
 * undefined when its type and size are acceptable. Upload already refuses such keys; this also
 * covers keys stored before that check and clients presenting a weak key under a valid id.
 */
export function keyWeakness(blob: Buffer): string | undefined {
  const reader = new BlobReader(blob);
  const type = reader.string()?.toString('latin1');
  if (type === undefined) return 'malformed public key';
  if (!ACCEPTED.has(type)) return `key type ${JSON.stringify(type.slice(0, 40))} is not accepted (ed25519, ECDSA or RSA of at least ${MIN_RSA_BITS} bits)`;
  if (type !== 'ssh-rsa') return undefined;
  const exponent = reader.string();
  const modulus = reader.string();
  if (!exponent || !modulus) return 'malformed RSA public key';
  const bits = mpintBits(modulus);
  return bits < MIN_RSA_BITS ? `RSA key of ${bits} bits is too weak (at least ${MIN_RSA_BITS} bits)` : undefined;
}

/** Bits of a non-negative SSH mpint (big-endian, possibly with a leading zero byte). */
function mpintBits(value: Buffer): number {
  let i = 0;
  while (i < value.length && value[i] === 0) i++;
  if (i === value.length) return 0;
  return (value.length - i - 1) * 8 + (32 - Math.clz32(value[i]));
}

class BlobReader {
  private offset = 0;
  constructor(private readonly blob: Buffer) {}
  string(): Buffer | undefined {
    if (this.offset + 4 > this.blob.length) return undefined;
    const length = this.blob.readUInt32BE(this.offset);
    if (this.offset + 4 + length > this.blob.length) return undefined;
    const value = this.blob.subarray(this.offset + 4, this.offset + 4 + length);
    this.offset += 4 + length;
    return value;
  }
}
