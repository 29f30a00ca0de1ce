import { untilAborted } from '../util/async';
import type { Clock } from '../util/clock';
import type { DisposableLike } from '../util/disposable';
import { planNextRefresh, type RefreshInputs, type RefreshPlan, type RefreshPolicyOptions } from './refreshPolicy';

/** Whether the view is on screen and the window has focus: together they decide whether the schedule runs. */
export interface Activity {
  readonly viewVisible: boolean;
  readonly windowFocused: boolean;
}

/** What the schedule reads from the store each time it plans. */
export type ScheduleInputs = Omit<RefreshInputs, 'now' | 'viewVisible' | 'windowFocused'>;

/**
 * Runs the refresh loop: plans with `refreshPolicy`, sleeps until the plan says so (or until
 * woken: anything that can change the plan wakes it), then refreshes. It owns the user's
 * interval and the view's activity; the store owns everything else the plan reads.
 */
export class RefreshScheduler implements DisposableLike {
  private wakeController = new AbortController();
  private activity: Activity = { viewVisible: false, windowFocused: true };
  private running = false;
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    private policy: RefreshPolicyOptions,
    private readonly inputs: () => ScheduleInputs,
    private readonly refresh: () => Promise<void>,
  ) {}

  start(): void {
    if (this.running || this.disposed) return;
    this.running = true;
    void this.loop();
  }

  /** Plans again now (a change that may make a refresh due sooner, or later). */
  wake(): void {
    this.wakeController.abort();
    this.wakeController = new AbortController();
  }

  setActivity(activity: Activity): void {
    if (activity.viewVisible === this.activity.viewVisible && activity.windowFocused === this.activity.windowFocused)
      return;
    this.activity = activity;
    this.wake();
  }

  setActiveInterval(ms: number): void {
    const activeIntervalMs = Math.max(1_000, ms);
    if (activeIntervalMs === this.policy.activeIntervalMs) return;
    this.policy = { ...this.policy, activeIntervalMs };
    this.wake();
  }

  /** What the schedule would do now. */
  private plan(): RefreshPlan {
    return planNextRefresh(
      {
        ...this.inputs(),
        now: this.clock.now(),
        viewVisible: this.activity.viewVisible,
        windowFocused: this.activity.windowFocused,
      },
      this.policy,
    );
  }

  dispose(): void {
    this.disposed = true;
    this.wake();
  }

  private async loop(): Promise<void> {
    while (!this.disposed) {
      const plan = this.plan();
      const signal = this.wakeController.signal;
      try {
        if (plan.kind === 'paused') await untilAborted(signal);
        else if (plan.delayMs > 0) await this.clock.sleep(plan.delayMs, signal);
        else await Promise.resolve();
      } catch {
        continue;
      }
      if (this.disposed) return;
      if (plan.kind === 'wait') await this.refresh();
    }
  }
}
