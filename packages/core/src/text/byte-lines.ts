/**
 * Cuts a stream of byte chunks into lines handed over as byte ranges: no string and no
 * async step per line, which for a listing of a million lines is most of the cost of
 * reading it. Lines end at `\n`; a `\r` before it is dropped (CRLF input), as readLines
 * does. A line split across chunks is joined once, when its end arrives.
 */
export class ByteLines {
  /** The start of an unfinished line, from earlier chunks. */
  private pending: Buffer[] = [];

  constructor(private readonly onLine: (buf: Buffer, start: number, end: number) => void) {}

  /** Hands over every line `chunk` completes. */
  push(chunk: Buffer): void {
    let start = 0;
    if (this.pending.length > 0) {
      const newline = chunk.indexOf(10);
      if (newline < 0) {
        this.pending.push(Buffer.from(chunk));
        return;
      }
      this.pending.push(chunk.subarray(0, newline));
      const line = Buffer.concat(this.pending);
      this.pending = [];
      this.emit(line, 0, line.length);
      start = newline + 1;
    }
    for (let newline = chunk.indexOf(10, start); newline >= 0; newline = chunk.indexOf(10, start)) {
      this.emit(chunk, start, newline);
      start = newline + 1;
    }
    // Copied: the caller may reuse its buffer for the next chunk.
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
  }

  /** Hands over the last line when the input did not end with a newline. */
  end(): void {
    if (this.pending.length === 0) return;
    const line = Buffer.concat(this.pending);
    this.pending = [];
    this.emit(line, 0, line.length);
  }

  private emit(buf: Buffer, start: number, end: number): void {
    this.onLine(buf, start, end > start && buf[end - 1] === 13 ? end - 1 : end);
  }
}
