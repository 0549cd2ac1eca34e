import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@cairn/testing';
import { CapabilityAdvertisements } from './capability-cache';

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
/** What git itself answers, spawned the way the transport would. */
const fromGit = (dir: string, gitProtocol: string) =>
  execFileSync('git', ['upload-pack', '--stateless-rpc', '--advertise-refs', dir], { env: { ...GIT_ENV, GIT_PROTOCOL: gitProtocol } });

describe('CapabilityAdvertisements (protocol v2, real git)', () => {
  const root = makeTempDir('cairn-capabilities-');
  const repo = (name: string) => {
    const dir = join(root, `${name}.git`);
    execFileSync('git', ['init', '-q', '--bare', dir], { env: GIT_ENV });
    return dir;
  };

  it('serves exactly what git advertises, for any repository with the same configuration', async () => {
    const cache = new CapabilityAdvertisements();
    const a = repo('a');
    const b = repo('b');
    const first = await cache.forUploadPack(a, 'version=2');
    expect(first?.toString()).toBe(fromGit(a, 'version=2').toString());
    expect(first?.toString()).toMatch(/^000eversion 2\n/);
    expect((await cache.forUploadPack(b, 'version=2'))?.toString()).toBe(fromGit(b, 'version=2').toString());
  });

  it('asks git again when the configuration differs (it decides what is offered)', async () => {
    const cache = new CapabilityAdvertisements();
    const plain = repo('plain');
    const filtering = repo('filtering');
    appendFileSync(join(filtering, 'config'), '[uploadpack]\n\tallowFilter = true\n');
    const withoutFilter = (await cache.forUploadPack(plain, 'version=2'))!.toString();
    const withFilter = (await cache.forUploadPack(filtering, 'version=2'))!.toString();
    expect(withoutFilter).not.toMatch(/filter/);
    expect(withFilter).toMatch(/fetch=.*filter/);
    expect(withFilter).toBe(fromGit(filtering, 'version=2').toString());
  });

  it('leaves protocol v0 and v1 to git (their advertisement lists the refs)', async () => {
    const cache = new CapabilityAdvertisements();
    const dir = repo('v0');
    expect(await cache.forUploadPack(dir, '')).toBeUndefined();
    expect(await cache.forUploadPack(dir, 'version=1')).toBeUndefined();
  });
});
