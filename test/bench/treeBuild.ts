/**
 * Tree build benchmark: the tree's shape (buildTreeModel: filter, v1 chats folded into
 * their latest run, status groups, newest first) plus the presentation of every row
 * (presentTask: label, description, icon, context value), for 1,000 and 10,000 tasks of
 * both APIs. Baseline: only sorting the same tasks by creation time, the least any
 * ordered list must do. Tooltips are built on hover (resolveTreeItem), not here.
 *
 *   node out/test/bench/treeBuild.js [repetitions]
 */
import type { Task, TaskStatus } from '../../src/core/tasks/model';
import { buildTreeModel } from '../../src/core/view/taskGrouping';
import { presentTask } from '../../src/core/view/taskPresentation';
import { median, nowMs, runPart } from './benchSupport';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const STATUSES: readonly [TaskStatus, number][] = [
  ['running', 0.03],
  ['queued', 0.01],
  ['completed', 0.78],
  ['failed', 0.1],
  ['cancelled', 0.05],
  ['interrupted', 0.02],
  ['unknown', 0.01],
];
const REPOS = [
  'https://github.com/blackbox-demo/shop-api.git',
  'https://github.com/blackbox-demo/storefront.git',
  'https://github.com/blackbox-demo/docs-site.git',
];

/** A deterministic pseudo-random sequence, so every run builds the same tasks. */
function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function pickStatus(x: number): TaskStatus {
  let total = 0;
  for (const [status, share] of STATUSES) {
    total += share;
    if (x < total) return status;
  }
  return 'completed';
}

/** Tasks as the store holds them: 60 % Agent API (every fourth a follow-up run in a chat), 40 % Cloud. */
export function benchTasks(count: number): Task[] {
  const random = sequence(count);
  const tasks: Task[] = [];
  let chat = '';
  for (let i = 0; i < count; i++) {
    const status = pickStatus(random());
    const createdAt = NOW - i * 7 * 60_000 - Math.floor(random() * 60_000);
    const repoUrl = REPOS[i % REPOS.length];
    const prompt = `Task ${i}: make the order totals ignore a coupon when a sale price already applies\nThen add tests for the edge cases and update the changelog.`;
    if (random() < 0.6) {
      if (i % 4 !== 1 || chat === '') chat = `chat-${i}`;
      tasks.push({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        api: 'agent',
        threadId: chat,
        status,
        rawStatus: status === 'unknown' ? 'paused_for_review' : status,
        prompt,
        model: 'blackboxai/anthropic/claude-sonnet-4.6',
        repoUrl,
        baseBranch: 'main',
        ...(status === 'completed' ? { createdBranch: `blackbox/task-${i}` } : {}),
        createdAt,
        startedAt: createdAt + 2_000,
        ...(status === 'running' || status === 'queued' ? {} : { completedAt: createdAt + 240_000 }),
        ...(status === 'failed' ? { error: 'npm test exited with code 1' } : {}),
      });
    } else {
      tasks.push({
        id: `tskBench${String(i).padStart(6, '0')}`,
        api: 'cloud',
        threadId: `tskBench${String(i).padStart(6, '0')}`,
        status,
        rawStatus: status === 'unknown' ? 'paused_for_review' : status,
        prompt,
        agent: 'claude',
        model: 'blackboxai/blackbox-pro',
        repoUrl,
        baseBranch: 'main',
        progress: status === 'running' ? 40 : 100,
        ...(status === 'completed'
          ? {
              createdBranch: `blackbox/task-${i}`,
              pullRequestUrl: `https://github.com/blackbox-demo/shop-api/pull/${i}`,
            }
          : {}),
        ...(i % 10 === 0
          ? { followUps: [{ prompt: 'Also cover refunds', createdAt: createdAt + 300_000, status }] }
          : {}),
        createdAt,
        updatedAt: createdAt + 240_000,
      });
    }
  }
  return tasks;
}

function rank(tasks: readonly Task[]): Map<string, number> {
  return new Map(tasks.map((task, index) => [task.id, index]));
}

/** What the tree provider does for a full redraw: the model, then every row's presentation. */
function buildTree(tasks: readonly Task[], ranks: ReadonlyMap<string, number>): number {
  const model = buildTreeModel(tasks, { rank: ranks });
  let rows = 0;
  for (const group of model.groups) {
    for (const row of group.rows) {
      presentTask(row.task, { now: NOW, earlierRuns: row.earlierRuns.length, latestInThread: true });
      rows++;
      for (const earlier of row.earlierRuns) {
        presentTask(earlier, { now: NOW, latestInThread: false });
        rows++;
      }
    }
  }
  return rows;
}

function sortOnly(tasks: readonly Task[]): number {
  return [...tasks].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0)).length;
}

function measure(count: number, repetitions: number): unknown {
  const tasks = benchTasks(count);
  const ranks = rank(tasks);
  // Warm up the JIT on a copy, as the extension has drawn the tree before a redraw matters.
  for (let i = 0; i < 3; i++) {
    buildTree(tasks, ranks);
    sortOnly(tasks);
  }
  const build: number[] = [];
  const buildCpu: number[] = [];
  const modelOnly: number[] = [];
  const baseline: number[] = [];
  let rows = 0;
  for (let i = 0; i < repetitions; i++) {
    let started = nowMs();
    const cpu = process.cpuUsage();
    rows = buildTree(tasks, ranks);
    build.push(nowMs() - started);
    const used = process.cpuUsage(cpu);
    buildCpu.push((used.user + used.system) / 1000);
    started = nowMs();
    buildTreeModel(tasks, { rank: ranks });
    modelOnly.push(nowMs() - started);
    started = nowMs();
    sortOnly(tasks);
    baseline.push(nowMs() - started);
  }
  // The first build in a fresh process, before any JIT warm-up, is what a cold start pays.
  // CPU time as well as wall time: on a shared machine the wall time also counts waiting for a core.
  return {
    tasks: count,
    rows,
    buildMs: median(build),
    buildCpuMs: median(buildCpu),
    modelOnlyMs: median(modelOnly),
    sortOnlyMs: median(baseline),
    buildRunsMs: build,
  };
}

function coldBuild(count: number): number {
  const tasks = benchTasks(count);
  const started = nowMs();
  buildTree(tasks, rank(tasks));
  return nowMs() - started;
}

const repetitions = Number(process.argv[2] ?? 9);
runPart(async () => {
  const cold10k = coldBuild(10_000);
  return {
    part: 'treeBuild',
    repetitions,
    coldBuild10kMs: cold10k,
    sizes: [measure(1_000, repetitions), measure(10_000, repetitions)],
  };
});
