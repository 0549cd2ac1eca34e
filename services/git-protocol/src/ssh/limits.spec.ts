import { Duplex } from 'node:stream';
import type { ServerChannel } from 'ssh2';
import { addressKey, ConcurrencyLimit, deadline, formatSeconds, IdleTimer, observeChannelData } from './limits';

describe('ConcurrencyLimit', () => {
  it('hands out up to `limit` slots per key and takes each back once', () => {
    const limit = new ConcurrencyLimit(2);
    const a1 = limit.tryAcquire('alice');
    const a2 = limit.tryAcquire('alice');
    expect(a1).toBeDefined();
    expect(a2).toBeDefined();
    expect(limit.tryAcquire('alice')).toBeUndefined();
    expect(limit.tryAcquire('bob')).toBeDefined();
    a1!();
    a1!();
    expect(limit.count('alice')).toBe(1);
    const a3 = limit.tryAcquire('alice');
    expect(a3).toBeDefined();
    expect(limit.tryAcquire('alice')).toBeUndefined();
    a2!();
    a3!();
    expect(limit.count('alice')).toBe(0);
    expect(limit.size).toBe(1);
  });

  it('0 is no limit', () => {
    const limit = new ConcurrencyLimit(0);
    for (let i = 0; i < 1000; i++) expect(limit.tryAcquire('x')).toBeDefined();
    expect(limit.count('x')).toBe(1000);
  });
});

describe('timers', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('IdleTimer fires once nothing touched it for its time, and not while touched', () => {
    const onIdle = jest.fn();
    const timer = new IdleTimer(1000, onIdle);
    for (let i = 0; i < 5; i++) {
      jest.advanceTimersByTime(900);
      timer.touch();
    }
    expect(onIdle).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('IdleTimer of 0 never fires; stop() cancels', () => {
    const never = jest.fn();
    new IdleTimer(0, never).touch();
    const stopped = jest.fn();
    new IdleTimer(100, stopped).stop();
    jest.advanceTimersByTime(10_000);
    expect(never).not.toHaveBeenCalled();
    expect(stopped).not.toHaveBeenCalled();
  });

  it('deadline of 0 is none', () => {
    const fn = jest.fn();
    expect(deadline(0, fn)).toBeUndefined();
    deadline(50, fn);
    jest.advanceTimersByTime(50);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('observeChannelData', () => {
  /** Stands in for ssh2's channel: a duplex whose readable side ssh2 fills with push(). */
  function fakeChannel(): { channel: ServerChannel; written: Buffer[] } {
    const written: Buffer[] = [];
    const duplex = new Duplex({
      read: () => undefined,
      write: (chunk: Buffer, _encoding, callback) => {
        written.push(chunk);
        callback();
      },
    });
    return { channel: duplex as unknown as ServerChannel, written };
  }

  it('sees data both ways without making the channel flow', async () => {
    const { channel, written } = fakeChannel();
    const seen = jest.fn();
    channel.pause();
    observeChannelData(channel, seen);
    channel.push(Buffer.from('from the client'));
    expect(seen).toHaveBeenCalledTimes(1);
    expect(seen).toHaveBeenLastCalledWith('received', 15);
    expect(channel.isPaused()).toBe(true);
    // Nothing was consumed: whoever reads later gets every byte.
    expect(channel.read()?.toString()).toBe('from the client');
    channel.write(Buffer.from('to the client'));
    expect(seen).toHaveBeenCalledTimes(2);
    expect(seen).toHaveBeenLastCalledWith('sent', 13);
    await new Promise((r) => setImmediate(r));
    expect(Buffer.concat(written).toString()).toBe('to the client');
    // The end of input is not data.
    channel.push(null);
    expect(seen).toHaveBeenCalledTimes(2);
  });
});

describe('addressKey and formatSeconds', () => {
  it('treats IPv4-mapped IPv6 as IPv4', () => {
    expect(addressKey('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(addressKey('10.0.0.7')).toBe('10.0.0.7');
    expect(addressKey('::1')).toBe('::1');
    expect(addressKey(undefined)).toBe('unknown');
  });

  it('says durations in the largest whole unit', () => {
    expect(formatSeconds(21600)).toBe('6 h');
    expect(formatSeconds(600)).toBe('10 min');
    expect(formatSeconds(3)).toBe('3 s');
    expect(formatSeconds(90)).toBe('90 s');
  });
});
