/** Where the splitter sends pieces: start, bytes, end; one piece open at a time. */
export interface PieceSink {
  start(label: string): void;
  write(chunk: Buffer): void;
  end(): void;
}
