import * as assert from 'node:assert/strict';
import {
  activeTasksOutsideList,
  DEFAULT_REFRESH_POLICY,
  planNextRefresh,
  refreshPeriod,
  type RefreshInputs,
} from '../../src/core/tasks/refreshPolicy';

const NOW = 1_000_000;

function inputs(overrides: Partial<RefreshInputs> = {}): RefreshInputs {
  return {
    now: NOW,
    lastAttemptAt: NOW - 1_000,
    activeCount: 0,
    viewVisible: true,
    windowFocused: true,
    connected: true,
    authFailed: false,
    notBefore: undefined,
    consecutiveFailures: 0,
    ...overrides,
  };
}

describe('refreshPolicy', () => {
  it('refreshes at once when nothing was fetched yet', () => {
    assert.deepEqual(planNextRefresh(inputs({ lastAttemptAt: undefined }), DEFAULT_REFRESH_POLICY), {
      kind: 'wait',
      delayMs: 0,
      periodMs: 60_000,
    });
  });

  it('uses the active interval while tasks run and about a minute when idle', () => {
    assert.equal(planNextRefresh(inputs({ activeCount: 2 }), DEFAULT_REFRESH_POLICY).kind, 'wait');
    assert.deepEqual(planNextRefresh(inputs({ activeCount: 2 }), DEFAULT_REFRESH_POLICY), {
      kind: 'wait',
      delayMs: 4_000,
      periodMs: 5_000,
    });
    assert.deepEqual(planNextRefresh(inputs(), DEFAULT_REFRESH_POLICY), {
      kind: 'wait',
      delayMs: 59_000,
      periodMs: 60_000,
    });
    assert.deepEqual(
      planNextRefresh(inputs({ activeCount: 1 }), { ...DEFAULT_REFRESH_POLICY, activeIntervalMs: 2_000 }),
      { kind: 'wait', delayMs: 1_000, periodMs: 2_000 },
    );
  });

  it('pauses while the window is unfocused, whatever runs', () => {
    assert.deepEqual(planNextRefresh(inputs({ windowFocused: false, activeCount: 3 }), DEFAULT_REFRESH_POLICY), {
      kind: 'paused',
      reason: 'unfocused',
    });
    assert.deepEqual(planNextRefresh(inputs({ windowFocused: false, viewVisible: false }), DEFAULT_REFRESH_POLICY), {
      kind: 'paused',
      reason: 'unfocused',
    });
  });

  it('pauses a hidden view with nothing active, keeps watching active tasks for the status bar and notifications', () => {
    assert.deepEqual(planNextRefresh(inputs({ viewVisible: false }), DEFAULT_REFRESH_POLICY), {
      kind: 'paused',
      reason: 'hidden',
    });
    assert.deepEqual(
      planNextRefresh(inputs({ viewVisible: false, activeCount: 1 }), DEFAULT_REFRESH_POLICY),
      { kind: 'wait', delayMs: 59_000, periodMs: 60_000 },
      'hidden: once a minute, not every interval',
    );
    assert.deepEqual(
      planNextRefresh(inputs({ viewVisible: false, activeCount: 1 }), {
        ...DEFAULT_REFRESH_POLICY,
        watchActiveWhileHidden: false,
      }),
      { kind: 'paused', reason: 'hidden' },
    );
  });

  it('catches up at once on return when a refresh is overdue', () => {
    const back = inputs({ lastAttemptAt: NOW - 10 * 60_000, activeCount: 1 });
    assert.equal((planNextRefresh(back, DEFAULT_REFRESH_POLICY) as { delayMs: number }).delayMs, 0);
  });

  it('waits for Retry-After even when a refresh is due', () => {
    const plan = planNextRefresh(
      inputs({ lastAttemptAt: NOW - 60_000, activeCount: 1, notBefore: NOW + 42_000 }),
      DEFAULT_REFRESH_POLICY,
    );
    assert.equal((plan as { delayMs: number }).delayMs, 42_000);
  });

  it('backs off exponentially after failures, up to five minutes', () => {
    assert.equal(refreshPeriod({ activeCount: 1, consecutiveFailures: 1 }, DEFAULT_REFRESH_POLICY), 10_000);
    assert.equal(refreshPeriod({ activeCount: 1, consecutiveFailures: 3 }, DEFAULT_REFRESH_POLICY), 40_000);
    assert.equal(refreshPeriod({ activeCount: 0, consecutiveFailures: 1 }, DEFAULT_REFRESH_POLICY), 60_000);
    assert.equal(refreshPeriod({ activeCount: 1, consecutiveFailures: 50 }, DEFAULT_REFRESH_POLICY), 300_000);
    assert.equal(
      refreshPeriod({ activeCount: 0, consecutiveFailures: 1, neverLoaded: true }, DEFAULT_REFRESH_POLICY),
      10_000,
      'a first load that failed retries on the short backoff',
    );
  });

  it('stays paused without a connection or after the key was refused', () => {
    assert.deepEqual(planNextRefresh(inputs({ connected: false }), DEFAULT_REFRESH_POLICY), {
      kind: 'paused',
      reason: 'noConnection',
    });
    assert.deepEqual(planNextRefresh(inputs({ authFailed: true }), DEFAULT_REFRESH_POLICY), {
      kind: 'paused',
      reason: 'authFailed',
    });
  });

  it('asks for a status call only for active tasks the list did not include', () => {
    assert.deepEqual(activeTasksOutsideList(['a', 'b', 'c'], new Set(['a', 'c', 'z'])), ['b']);
  });
});
