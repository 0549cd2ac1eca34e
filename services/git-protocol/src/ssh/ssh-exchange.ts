import type { ClientDuplexStream, StatusObject } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import type { ServerChannel } from 'ssh2';

/** What the SSH client is told when Cairn refuses; always ends the session with exit status 1. */
export function refuseChannel(channel: ServerChannel, message: string): void {
  if (channel.stderr.writable) channel.stderr.write(`${message.replace(/\n?$/, '\n')}`);
  channel.exit(1);
  channel.end();
}

export interface Forwarding {
  /** Most bytes passed from the client to storage; beyond it the session is refused. */
  maxBytes: number;
  tooLargeMessage: string;
  /** Sees every chunk before it is passed on and the end (undefined); throws to refuse with its message. */
  inspect?: (chunk: Buffer | undefined) => void;
}

/**
 * One full-duplex git conversation between an SSH channel and a storage gRPC stream: storage's
 * output (git's advertisement first) flows to the client and, once started, the client's bytes
 * flow to storage, both with backpressure. The session's exit status is the call's outcome:
 * 0 when git finished cleanly, 1 otherwise (git has usually said why inside the protocol).
 */
export class SshExchange<Req> {
  private settled = false;
  private dataEnded = false;
  private finalStatus: StatusObject | undefined;
  private forwarded = 0;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;
  /** Storage output is passed on until the exchange is settled (or suppressed after a refusal). */
  private passStorageOutput = true;

  constructor(
    private readonly channel: ServerChannel,
    private readonly call: ClientDuplexStream<Req, { data: Buffer }>,
    private readonly wrap: (data: Buffer) => Req,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    // The client went away: stop git through the cancelled call.
    channel.once('close', () => {
      call.cancel();
      this.settle(() => undefined);
    });
    call.on('data', (message: { data: Buffer }) => {
      if (this.settled || !this.passStorageOutput || !message.data || message.data.length === 0) return;
      if (!channel.write(message.data)) {
        call.pause();
        channel.once('drain', () => call.resume());
      }
    });
    // The 'status' event carries the outcome; without a listener 'error' would throw.
    call.on('error', () => undefined);
    call.once('end', () => {
      this.dataEnded = true;
      this.finish();
    });
    call.once('status', (s: StatusObject) => {
      this.finalStatus = s;
      this.finish();
    });
  }

  /** Resolves once the session has been answered (or the client is gone). */
  get finished(): Promise<void> {
    return this.done;
  }

  /** Sends bytes to storage ahead of the client's stream (the command list read for authorization). */
  send(data: Buffer): void {
    if (data.length > 0) this.call.write(this.wrap(data));
    this.forwarded += data.length;
  }

  /** Writes bytes of Cairn's own to the client (a progress line between git's messages). */
  say(data: Buffer | undefined): void {
    if (data && !this.settled) this.channel.write(data);
  }

  /** From now on the client's bytes go to storage; its end of input ends the call's input. */
  forward(options: Forwarding): void {
    const { channel, call } = this;
    const onData = (chunk: Buffer) => {
      if (this.settled) return;
      this.forwarded += chunk.length;
      try {
        if (this.forwarded > options.maxBytes) throw new Error(options.tooLargeMessage);
        options.inspect?.(chunk);
      } catch (error) {
        channel.off('data', onData);
        return this.refuse((error as Error).message);
      }
      if (!call.write(this.wrap(chunk))) {
        channel.pause();
        call.once('drain', () => channel.resume());
      }
    };
    channel.on('data', onData);
    channel.once('end', () => {
      if (this.settled) return;
      try {
        options.inspect?.(undefined);
      } catch (error) {
        return this.refuse((error as Error).message);
      }
      call.end();
    });
    channel.resume();
  }

  /** Ends the storage call and tells the client why, on stderr, with exit status 1. */
  refuse(message: string): void {
    this.call.cancel();
    this.settle(() => refuseChannel(this.channel, message));
  }

  /**
   * Ends the storage call and answers the client with bytes of Cairn's own (a refused push's
   * report). The rest of the client's upload is read and dropped, so it sees the answer rather
   * than a broken pipe; the session ends when the client ends its input.
   */
  answerInstead(answer: Buffer): void {
    this.passStorageOutput = false;
    this.call.cancel();
    if (this.settled) return;
    this.settled = true;
    const { channel } = this;
    channel.write(answer);
    const end = () => {
      channel.exit(0);
      channel.end();
      this.resolveDone();
    };
    if (channel.readableEnded) return end();
    channel.on('data', () => undefined);
    channel.once('end', end);
    channel.resume();
  }

  private finish(): void {
    // grpc-js ends the data stream before it reports the status; data queued behind backpressure
    // must reach the client before the session ends (a cancelled call has nothing more to say).
    if (!this.finalStatus || (!this.dataEnded && this.finalStatus.code !== status.CANCELLED)) return;
    const { code, details } = this.finalStatus;
    this.settle(() => {
      if (code === status.OK) {
        this.channel.exit(0);
        this.channel.end();
      } else if (code === status.ABORTED) {
        // git failed; it has said why inside the protocol where it could.
        this.channel.exit(1);
        this.channel.end();
      } else if (code === status.CANCELLED) {
        this.channel.end();
      } else {
        refuseChannel(this.channel, code === status.UNAVAILABLE || code === status.RESOURCE_EXHAUSTED ? 'cairn: storage is unavailable, try again later' : `cairn: ${details}`);
      }
    });
  }

  private settle(write: () => void): void {
    if (this.settled) return;
    this.settled = true;
    write();
    this.resolveDone();
  }
}
