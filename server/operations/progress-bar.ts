/** A one-line progress bar on stderr for the commands (reindex, storage:migrate, backup, restore). */
export class ProgressBar {
  private count = 0;
  private bytes = 0;
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly label = '',
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {}

  /** One more item done (of `bytes` size, when the bar counts bytes too). */
  tick(bytes = 0): void {
    this.count += 1;
    this.bytes += bytes;
    // Redrawn at most ten times a second, and always for the last item.
    if (this.count === this.total || Date.now() - this.lastDraw >= 100) this.draw();
  }

  done(): void {
    this.draw();
    this.out.write('\n');
  }

  private draw(): void {
    this.lastDraw = Date.now();
    const width = 30;
    const share = this.total === 0 ? 1 : Math.min(1, this.count / this.total);
    const filled = Math.round(share * width);
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const size = this.bytes > 0 ? ` ${(this.bytes / 1024 ** 2).toFixed(1)} MB` : '';
    this.out.write(`\r${this.label}[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.count}/${this.total}${size} ${seconds}s`);
  }
}
