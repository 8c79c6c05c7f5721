/** Pause/resume/cancel for a running import, shared by the CLI's signals and the app's buttons. */
export class ImportControl {
  private readonly abortController = new AbortController();
  private pausedWaiters: (() => void)[] = [];
  private isPaused = false;

  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  pause(): void {
    this.isPaused = true;
  }

  resume(): void {
    this.isPaused = false;
    for (const wake of this.pausedWaiters) wake();
    this.pausedWaiters = [];
  }

  cancel(): void {
    this.abortController.abort();
    this.resume();
  }

  /** Resolves at once unless paused; a cancel wakes a paused import so it can stop. */
  waitWhilePaused(): Promise<void> {
    if (!this.isPaused) return Promise.resolve();
    return new Promise((resolve) => this.pausedWaiters.push(resolve));
  }
}
