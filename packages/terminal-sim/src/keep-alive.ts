/**
 * The terminal's keep-alive rhythm on one connection: send a request, wait for
 * the answer, pause an interval, send again. A missing or wrong answer ends the
 * connection once the timeout passes.
 */
export class KeepAlive {
  private readonly actions: { send: () => void; timedOut: (ms: number) => void };
  private intervalMs = 0;
  private timeoutMs = 0;
  private nextTimer: NodeJS.Timeout | undefined;
  private answerTimer: NodeJS.Timeout | undefined;

  constructor(actions: { send: () => void; timedOut: (ms: number) => void }) {
    this.actions = actions;
  }

  start(intervalMs: number, timeoutMs: number): void {
    this.stop();
    this.intervalMs = intervalMs;
    this.timeoutMs = timeoutMs;
    this.schedule();
  }

  /** A KeepAliveResponse arrived; `ok` is false when its reason or result code is wrong (it then counts as none). */
  answered(ok: boolean): void {
    if (!ok || this.answerTimer === undefined) return;
    clearTimeout(this.answerTimer);
    this.answerTimer = undefined;
    this.schedule();
  }

  stop(): void {
    if (this.nextTimer) clearTimeout(this.nextTimer);
    if (this.answerTimer) clearTimeout(this.answerTimer);
    this.nextTimer = undefined;
    this.answerTimer = undefined;
  }

  private schedule(): void {
    this.nextTimer = setTimeout(() => {
      this.nextTimer = undefined;
      this.actions.send();
      this.answerTimer = setTimeout(() => {
        this.answerTimer = undefined;
        this.actions.timedOut(this.timeoutMs);
      }, this.timeoutMs);
    }, this.intervalMs);
  }
}
