import * as assert from 'node:assert/strict';
import {
  CANCEL_RECHECK,
  canCancel,
  cancelUnavailableReason,
  describeCancelOutcome,
  recheckUntilTerminal,
  taskLabelForMessage,
  type SettleResult,
} from '../../src/core/tasks/cancelPolicy';
import type { Clock } from '../../src/core/util/clock';
import { cleanServerText } from '../../src/core/http/httpErrorMapping';
import { AuthError, NetworkError, NotFoundError, abortError, isAbortError } from '../../src/core/http/errors';
import type { TaskStatus, TaskStatusInfo } from '../../src/core/tasks/model';

/** A clock whose sleeps return at once but are recorded, so the schedule is observable. */
function fakeClock(): Clock & { readonly sleeps: number[]; elapsed: number } {
  const sleeps: number[] = [];
  const clock = {
    sleeps,
    elapsed: 0,
    now: () => clock.elapsed,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw abortError();
      sleeps.push(ms);
      clock.elapsed += ms;
    },
  };
  return clock;
}

function info(status: TaskStatus): TaskStatusInfo {
  return { id: 'run-1', status, rawStatus: status };
}

/** A status check answering from a script: a status, or an error to throw. */
function scripted(answers: readonly (TaskStatus | Error)[]): {
  check: () => Promise<TaskStatusInfo>;
  calls: () => number;
} {
  let calls = 0;
  return {
    calls: () => calls,
    check: async () => {
      const answer = answers[Math.min(calls, answers.length - 1)];
      calls++;
      if (answer instanceof Error) throw answer;
      return info(answer);
    },
  };
}

describe('cancelPolicy', () => {
  describe('recheckUntilTerminal', () => {
    it('checks at once, then once a second, until the status is terminal, reporting each status', async () => {
      const clock = fakeClock();
      const script = scripted(['running', 'running', 'cancelled']);
      const seen: TaskStatus[] = [];
      const result = await recheckUntilTerminal({ check: script.check, onStatus: (s) => seen.push(s.status), clock });
      assert.deepEqual(result, { settled: true, status: 'cancelled', checks: 3 });
      assert.deepEqual(seen, ['running', 'running', 'cancelled']);
      assert.deepEqual(clock.sleeps, [1000, 1000]);
    });

    it('gives up after the bounded number of checks (10 × 1 s by default)', async () => {
      const clock = fakeClock();
      const script = scripted(['running']);
      const result = await recheckUntilTerminal({ check: script.check, onStatus: () => undefined, clock });
      assert.deepEqual(result, {
        settled: false,
        reason: 'timeout',
        lastStatus: 'running',
        checks: CANCEL_RECHECK.attempts,
      });
      assert.equal(script.calls(), 10);
      assert.equal(clock.elapsed, 9000);
    });

    it('treats a failed check as passing weather, and reports failure only when the last one failed', async () => {
      const clock = fakeClock();
      const recovered = await recheckUntilTerminal({
        check: scripted([new NetworkError(), 'completed']).check,
        onStatus: () => undefined,
        clock,
      });
      assert.deepEqual(recovered, { settled: true, status: 'completed', checks: 2 });

      const broken = await recheckUntilTerminal({
        check: scripted(['running', new NetworkError()]).check,
        onStatus: () => undefined,
        clock,
        schedule: { attempts: 3, intervalMs: 50 },
      });
      assert.deepEqual(broken, { settled: false, reason: 'failed', lastStatus: 'running', checks: 3 });
    });

    it('stops at a 404 (the task is gone) and rethrows a 401', async () => {
      const clock = fakeClock();
      const gone = await recheckUntilTerminal({
        check: scripted([new NotFoundError()]).check,
        onStatus: () => undefined,
        clock,
      });
      assert.deepEqual(gone, { settled: false, reason: 'gone', checks: 1 });
      await assert.rejects(
        recheckUntilTerminal({ check: scripted([new AuthError()]).check, onStatus: () => undefined, clock }),
        (e: unknown) => AuthError.is(e),
      );
    });

    it('rejects with an AbortError when aborted between checks, without checking again', async () => {
      const controller = new AbortController();
      const clock = fakeClock();
      let calls = 0;
      const promise = recheckUntilTerminal({
        check: async () => {
          calls++;
          controller.abort();
          return info('running');
        },
        onStatus: () => undefined,
        clock,
        signal: controller.signal,
      });
      await assert.rejects(promise, (e: unknown) => isAbortError(e));
      assert.equal(calls, 1);
    });
  });

  describe('describeCancelOutcome', () => {
    const label = '“Add rate limiting”';
    const settled = (status: TaskStatus): SettleResult => ({ settled: true, status, checks: 1 });

    it('confirms a cancel that took effect', () => {
      const outcome = describeCancelOutcome({ label, request: { accepted: true }, settle: settled('cancelled') });
      assert.equal(outcome.kind, 'cancelled');
      assert.equal(outcome.severity, 'info');
      assert.equal(outcome.message, 'Cancelled task “Add rate limiting”.');
    });

    it('says plainly that a task had already finished when the server answered success: false', () => {
      const outcome = describeCancelOutcome({
        label,
        request: { accepted: false, status: 'completed' },
        settle: settled('completed'),
      });
      assert.equal(outcome.kind, 'alreadyFinished');
      assert.match(outcome.message, /had already finished \(completed\)/);
    });

    it('passes on the server’s reason for a refusal, cleaned, and the status it still reports', () => {
      const outcome = describeCancelOutcome({
        label,
        request: { accepted: false, serverMessage: 'Task\ncannot be\u202e stopped now' },
        settle: { settled: false, reason: 'timeout', lastStatus: 'running', checks: 10 },
      });
      assert.equal(outcome.kind, 'refused');
      assert.equal(
        outcome.message,
        'The server did not cancel task “Add rate limiting”. The server said: “Task cannot be stopped now”. It still reports running.',
      );
    });

    it('says when the task finished another way before the cancel landed', () => {
      const outcome = describeCancelOutcome({ label, request: { accepted: true }, settle: settled('failed') });
      assert.equal(outcome.kind, 'finishedOtherwise');
      assert.match(outcome.message, /finished as failed/);
    });

    it('says how long it waited when the task still reports running', () => {
      const outcome = describeCancelOutcome({
        label,
        request: { accepted: true },
        settle: { settled: false, reason: 'timeout', lastStatus: 'running', checks: 10 },
      });
      assert.equal(outcome.kind, 'pending');
      assert.match(outcome.message, /still reports running after 9 s/);
      assert.equal(outcome.finalStatus, 'running');
    });

    it('names a vanished task', () => {
      const outcome = describeCancelOutcome({
        label,
        request: { accepted: true },
        settle: { settled: false, reason: 'gone', checks: 1 },
      });
      assert.equal(outcome.kind, 'gone');
    });
  });

  describe('what can be cancelled', () => {
    it('follows each API: v1 cancels queued and running runs, the Cloud API stops only running tasks', () => {
      assert.equal(canCancel({ api: 'agent', status: 'queued' }), true);
      assert.equal(canCancel({ api: 'agent', status: 'running' }), true);
      assert.equal(canCancel({ api: 'cloud', status: 'running' }), true);
      assert.equal(cancelUnavailableReason({ api: 'cloud', status: 'queued' }), 'notStarted');
      assert.equal(cancelUnavailableReason({ api: 'agent', status: 'completed' }), 'finished');
      assert.equal(cancelUnavailableReason({ api: 'cloud', status: 'unknown' }), 'notActive');
    });
  });

  describe('labels and server text', () => {
    it('labels a task by its first line, else by its id', () => {
      assert.equal(taskLabelForMessage({ id: 'r1', prompt: 'Fix the bug\nin detail' }), '“Fix the bug”');
      assert.equal(taskLabelForMessage({ id: 'r1' }), 'r1');
      assert.equal(taskLabelForMessage({ id: 'r1', prompt: 'x'.repeat(100) }).length, 62);
    });

    it('flattens control and bidi characters and bounds the length', () => {
      assert.equal(cleanServerText('a\u0000b\u202ec\r\nd', [], 200), 'a b c d');
      assert.equal(cleanServerText('y'.repeat(500), [], 200).length, 200);
    });
  });
});
