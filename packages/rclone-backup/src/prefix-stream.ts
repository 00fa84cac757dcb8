import { Writable } from 'node:stream';

export interface PrefixTarget {
  /** Receives whole lines, already prefixed, each ending in `\n`. */
  write(line: string): void;
}

/**
 * A Writable that cuts what it receives into lines and passes each on with a prefix
 * (`[photos] `), so parallel backups can share one terminal and one log file and every
 * line still says whose it is. A partial last line is flushed on end.
 */
export class PrefixStream extends Writable {
  private pending = '';
  constructor(
    private readonly prefix: string,
    private readonly targets: readonly PrefixTarget[],
  ) {
    super({ decodeStrings: false });
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      this.emitLine(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flushPartial();
    callback();
  }

  flushPartial(): void {
    if (this.pending) this.emitLine(this.pending);
    this.pending = '';
  }

  private emitLine(line: string): void {
    for (const target of this.targets) target.write(`${this.prefix}${line}\n`);
  }
}

/** Keeps the last N lines written (for a health check's failure report). */
export class TailBuffer implements PrefixTarget {
  private lines: string[] = [];
  constructor(private readonly size: number) {}
  write(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }
  text(): string {
    return this.lines.join('');
  }
}
