/** Pause/resume/cancel for a running import, shared by the CLI's signals and the app's buttons. */
export interface ControlListener {
  pause(): void;
  resume(): void;
  cancel(): void;
}

export class ImportControl {
  private readonly abortController = new AbortController();
  private readonly listeners = new Set<ControlListener>();
  private pausedWaiters: (() => void)[] = [];
  private isPaused = false;

  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** Lets a relay (the import host) follow this control; returns the unsubscribe function. */
  subscribe(listener: ControlListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  pause(): void {
    this.isPaused = true;
    for (const listener of this.listeners) listener.pause();
  }

  resume(): void {
    for (const listener of this.listeners) listener.resume();
    this.isPaused = false;
    for (const wake of this.pausedWaiters) wake();
    this.pausedWaiters = [];
  }

  cancel(): void {
    for (const listener of this.listeners) listener.cancel();
    this.abortController.abort();
    this.resume();
  }

  /** Resolves at once unless paused; a cancel wakes a paused import so it can stop. */
  waitWhilePaused(): Promise<void> {
    if (!this.isPaused) return Promise.resolve();
    return new Promise((resolve) => this.pausedWaiters.push(resolve));
  }
}
