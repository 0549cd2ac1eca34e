import { generateKeyPairSync } from 'node:crypto';
import { keyWeakness } from './key-strength';

const sshString = (value: string | Buffer) => {
  const data = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
};
/** An mpint: big-endian, with a zero byte in front when the top bit is set. */
const mpint = (value: Buffer) => sshString(value[0] & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);

function rsaBlob(bits: number): Buffer {
  const jwk = generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' });
  return Buffer.concat([sshString('ssh-rsa'), mpint(Buffer.from(jwk.e!, 'base64url')), mpint(Buffer.from(jwk.n!, 'base64url'))]);
}

describe('keyWeakness', () => {
  it('accepts ed25519, ECDSA and RSA of 2048 bits or more', () => {
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    expect(keyWeakness(Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.from(ed.x!, 'base64url'))]))).toBeUndefined();
    expect(keyWeakness(Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(Buffer.alloc(65, 4))]))).toBeUndefined();
    expect(keyWeakness(rsaBlob(2048))).toBeUndefined();
    expect(keyWeakness(rsaBlob(3072))).toBeUndefined();
  });

  it('refuses RSA under 2048 bits, naming its size', () => {
    expect(keyWeakness(rsaBlob(1024))).toBe('RSA key of 1024 bits is too weak (at least 2048 bits)');
    // A 2047-bit modulus (the top byte 0x7f) is one bit short.
    const short = Buffer.concat([sshString('ssh-rsa'), mpint(Buffer.from([1, 0, 1])), mpint(Buffer.concat([Buffer.from([0x7f]), Buffer.alloc(255, 0xff)]))]);
    expect(keyWeakness(short)).toBe('RSA key of 2047 bits is too weak (at least 2048 bits)');
  });

  it('refuses DSA and unknown types, and malformed blobs', () => {
    expect(keyWeakness(Buffer.concat([sshString('ssh-dss'), sshString(Buffer.alloc(128, 1))]))).toMatch(/key type "ssh-dss" is not accepted/);
    expect(keyWeakness(Buffer.alloc(0))).toBe('malformed public key');
    expect(keyWeakness(Buffer.from([0, 0, 0, 200, 1]))).toBe('malformed public key');
    expect(keyWeakness(Buffer.concat([sshString('ssh-rsa'), sshString(Buffer.from([1, 0, 1]))]))).toBe('malformed RSA public key');
  });
});
