/**
 * Scenario builders: the rich demo (tasks on both APIs in every state) and small pieces
 * tests compose. Ids are fixed so tests, screenshots and docs can name them.
 */
import { liveCloudLines, liveRateLimitSteps } from './demoLogs';
import { cloudRunLog, defaultCloudLines, defaultRunSteps, scriptedRunLog, type CloudLogLine } from './logScripts';
import type { LifecycleStep, Scenario, ScriptedLogEvent, TaskSpec } from './types';

export {
  chunkText,
  cloudRunLog,
  defaultCloudLines,
  defaultRunSteps,
  scriptedRunLog,
  slugForBranch,
} from './logScripts';
export type { CloudLogLine, RunLogOptions, RunStep } from './logScripts';

export const DEMO_REPOS = {
  shopApi: 'https://github.com/blackbox-demo/shop-api.git',
  storefront: 'https://github.com/blackbox-demo/storefront.git',
  docsSite: 'https://github.com/blackbox-demo/docs-site.git',
} as const;

/** The demo's task ids, by role. */
export const DEMO_IDS = {
  agent: {
    running: '3f6b2c1e-8d4a-4f7e-9b21-5c0d7e9a1001',
    queued: '3f6b2c1e-8d4a-4f7e-9b21-5c0d7e9a1002',
    completed: '3f6b2c1e-8d4a-4f7e-9b21-5c0d7e9a1003',
    followUp: '3f6b2c1e-8d4a-4f7e-9b21-5c0d7e9a1004',
    failed: '3f6b2c1e-8d4a-4f7e-9b21-5c0d7e9a1005',
    cancelled: '3f6b2c1e-8d4a-4f7e-9b21-5c0d7e9a1006',
    interrupted: '3f6b2c1e-8d4a-4f7e-9b21-5c0d7e9a1007',
    standalone: '3f6b2c1e-8d4a-4f7e-9b21-5c0d7e9a1008',
    codex: '3f6b2c1e-8d4a-4f7e-9b21-5c0d7e9a1009',
    /** A 3-agent task: one run per agent, siblings sharing `agentMultiTask` and `agentMultiChat`. */
    multiRunning: '3f6b2c1e-8d4a-4f7e-9b21-5c0d7e9a1010',
    multiCompleted: '3f6b2c1e-8d4a-4f7e-9b21-5c0d7e9a1011',
    multiFailed: '3f6b2c1e-8d4a-4f7e-9b21-5c0d7e9a1012',
  },
  agentChat: 'c4a1e9d2-0b7f-4e6a-8c35-2d9f1a7b0001',
  agentMultiTask: 'a9e7d3b1-5c2f-4a80-9d64-7b1e0c3f0001',
  agentMultiChat: 'c4a1e9d2-0b7f-4e6a-8c35-2d9f1a7b0002',
  cloud: {
    processing: 'tsk8Hq2LmN4p',
    pending: 'tskR7vW1xZ3k',
    completed: 'tskP4dQ9sT2m',
    followUps: 'tskF6gH2jK8n',
    error: 'tskE3rT5yU7i',
    stopped: 'tskS9oP1aD4f',
    /** Three agents: claude still running (live log), codex completed with a branch and PR, gemini failed. */
    multiAgent: 'tskM2nB5vC8x',
    timeout: 'tskT1mE0uT9q',
  },
} as const;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function emptyScenario(): Scenario {
  return { name: 'empty', tasks: [] };
}

export interface DemoOptions {
  /** Plays everything this many times faster (UI tests); default 1. */
  readonly speed?: number;
}

function paced(events: ScriptedLogEvent[], speed: number): ScriptedLogEvent[] {
  return events.map((e) => ({ ...e, delayMs: Math.round((e.delayMs ?? 0) / speed) }));
}

function at(steps: LifecycleStep[], speed: number): LifecycleStep[] {
  return steps.map((s) => ({ ...s, afterMs: Math.round(s.afterMs / speed) }));
}

export function demoScenario(options: DemoOptions = {}): Scenario {
  const speed = options.speed ?? 1;
  const ids = DEMO_IDS;
  const sonnet = 'blackboxai/anthropic/claude-sonnet-4.6';
  const finished = (prompt: string, repo?: string, branch?: string, seed = 'd'): ScriptedLogEvent[] =>
    scriptedRunLog({ steps: defaultRunSteps(prompt, repo, branch), seed });
  const agent: TaskSpec[] = [
    {
      api: 'agent',
      id: ids.agent.completed,
      chatId: ids.agentChat,
      title: 'Fix the flaky checkout test',
      prompt: 'Fix the flaky checkout integration test: it fails about one run in five on CI with a timeout.',
      status: 'completed',
      repoUrl: DEMO_REPOS.shopApi,
      createdBranch: 'blackbox/fix-flaky-checkout-test',
      model: sonnet,
      agent: 'claude',
      createdAgoMs: 3 * HOUR,
      log: finished(
        'Fix the flaky checkout integration test',
        DEMO_REPOS.shopApi,
        'blackbox/fix-flaky-checkout-test',
        'c1',
      ),
    },
    {
      api: 'agent',
      id: ids.agent.followUp,
      chatId: ids.agentChat,
      previousRunId: ids.agent.completed,
      prompt: 'Also add a regression test for the timezone edge case you found.',
      status: 'completed',
      repoUrl: DEMO_REPOS.shopApi,
      createdBranch: 'blackbox/fix-flaky-checkout-test',
      model: sonnet,
      agent: 'claude',
      createdAgoMs: 2 * HOUR,
      log: finished(
        'Add a regression test for the timezone edge case',
        DEMO_REPOS.shopApi,
        'blackbox/fix-flaky-checkout-test',
        'c2',
      ),
    },
    {
      api: 'agent',
      id: ids.agent.failed,
      prompt: 'Upgrade the project to Node 22 and fix whatever breaks in the build.',
      status: 'failed',
      error: 'npm ERR! ERESOLVE unable to resolve dependency tree: peer node-sass@4 requires node <17',
      repoUrl: DEMO_REPOS.shopApi,
      model: sonnet,
      createdAgoMs: 5 * HOUR,
      log: scriptedRunLog({
        seed: 'f1',
        steps: [
          { text: 'Bumping engines and the CI image to Node 22, then reinstalling.' },
          {
            bash: 'npm install',
            stdout: 'npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree',
            exitCode: 1,
          },
        ],
      }),
    },
    {
      api: 'agent',
      id: ids.agent.cancelled,
      prompt: 'Rewrite the README in French',
      status: 'cancelled',
      repoUrl: DEMO_REPOS.docsSite,
      model: sonnet,
      createdAgoMs: 26 * HOUR,
      log: scriptedRunLog({
        seed: 'x1',
        steps: [{ text: 'Reading the README first.' }, { bash: 'wc -l README.md', stdout: '214 README.md' }],
      }),
    },
    {
      api: 'agent',
      id: ids.agent.interrupted,
      prompt: 'Generate OpenAPI docs for the inventory endpoints',
      status: 'interrupted',
      repoUrl: DEMO_REPOS.shopApi,
      model: sonnet,
      createdAgoMs: 50 * MINUTE,
      log: scriptedRunLog({
        seed: 'i1',
        steps: [
          { text: 'Collecting the inventory routes.' },
          { bash: 'ls src/routes', stdout: 'inventory.ts\norders.ts' },
        ],
      }),
    },
    {
      api: 'agent',
      id: ids.agent.standalone,
      prompt: 'Écris un résumé des changements 📦🚀 puis ترجم الملخص إلى العربية من فضلك',
      status: 'completed',
      model: sonnet,
      createdAgoMs: 7 * HOUR,
      log: scriptedRunLog({
        seed: 's1',
        steps: [
          {
            text: 'Résumé : ajout de la limitation de débit 🚦 et correction du test instable ✅.\nالملخص: أضيفت حدود للطلبات وأُصلح الاختبار غير المستقر.',
          },
        ],
      }),
    },
    {
      api: 'agent',
      id: ids.agent.codex,
      prompt: 'Add a /healthz endpoint that reports the database connection state',
      status: 'completed',
      repoUrl: DEMO_REPOS.shopApi,
      createdBranch: 'blackbox/add-healthz-endpoint',
      model: 'blackboxai/openai/gpt-5.3-codex',
      agent: 'codex',
      createdAgoMs: 28 * HOUR,
      log: finished('Add a /healthz endpoint', DEMO_REPOS.shopApi, 'blackbox/add-healthz-endpoint', 'h1'),
    },
    ...multiAgentRuns(speed),
    {
      api: 'agent',
      id: ids.agent.queued,
      prompt:
        'Migrate the order service to the new payments SDK.\n\n- replace the v2 client with PaymentsClient\n- keep the existing retry policy\n- update the tests and the changelog',
      status: 'queued',
      repoUrl: DEMO_REPOS.shopApi,
      baseBranch: 'develop',
      model: sonnet,
      agent: 'claude',
      createdAgoMs: 20_000,
      lifecycle: at([{ afterMs: 10_000, status: 'running' }], speed),
      log: paced(
        scriptedRunLog({
          seed: 'q1',
          paceMs: 1_500,
          steps: defaultRunSteps(
            'Migrate the order service to the new payments SDK',
            DEMO_REPOS.shopApi,
            'blackbox/migrate-payments-sdk',
          ),
        }),
        speed,
      ),
      onLogEnd: { status: 'completed', createdBranch: 'blackbox/migrate-payments-sdk' },
      expectedDurationMs: 40_000 / speed,
    },
    {
      api: 'agent',
      id: ids.agent.running,
      prompt:
        'Add rate limiting to the public REST endpoints: 100 requests per minute per API key, answering 429 with a Retry-After header.',
      status: 'running',
      repoUrl: DEMO_REPOS.shopApi,
      model: sonnet,
      agent: 'claude',
      createdAgoMs: 40_000,
      log: paced(
        scriptedRunLog({ seed: 'r1', paceMs: 2_200, chunkSize: 18, buffered: 12, steps: liveRateLimitSteps() }),
        speed,
      ),
      onLogEnd: { status: 'completed', createdBranch: 'blackbox/add-rate-limiting' },
      expectedDurationMs: (4 * MINUTE) / speed,
    },
  ];
  const cloudLines = (lines: CloudLogLine[], agentName = 'claude', paceMs = 2_000, buffered = 0) =>
    paced(cloudRunLog(lines, { agent: agentName, paceMs, buffered }), speed);
  const cloud: TaskSpec[] = [
    {
      api: 'cloud',
      id: ids.cloud.completed,
      prompt: 'Add input validation to the signup form and show inline errors',
      status: 'completed',
      repoUrl: DEMO_REPOS.storefront,
      createdBranch: 'blackbox/add-signup-validation',
      prUrl: 'https://github.com/blackbox-demo/storefront/pull/42',
      diffStats: { totalLinesAdded: 128, totalLinesRemoved: 17, totalFilesChanged: 5 },
      agent: 'claude',
      model: 'blackboxai/anthropic/claude-sonnet-4.6',
      createdAgoMs: 4 * HOUR,
      log: cloudRunLog(
        defaultCloudLines(
          'Add input validation to the signup form',
          DEMO_REPOS.storefront,
          'blackbox/add-signup-validation',
        ),
        { agent: 'claude' },
      ),
    },
    {
      api: 'cloud',
      id: ids.cloud.followUps,
      prompt: 'Refactor the cart service into smaller modules',
      status: 'completed',
      repoUrl: DEMO_REPOS.shopApi,
      createdBranch: 'blackbox/refactor-cart-service',
      prUrl: 'https://github.com/blackbox-demo/shop-api/pull/57',
      diffStats: { totalLinesAdded: 310, totalLinesRemoved: 244, totalFilesChanged: 9 },
      agent: 'blackbox',
      createdAgoMs: 9 * HOUR,
      followUps: [
        {
          prompt: 'Keep the public API of CartService unchanged',
          status: 'completed',
          createdAt: Date.now() - 8 * HOUR,
        },
        { prompt: 'Now add JSDoc to the new modules', status: 'completed', createdAt: Date.now() - 7 * HOUR },
      ],
      log: cloudRunLog(
        defaultCloudLines(
          'Refactor the cart service into smaller modules',
          DEMO_REPOS.shopApi,
          'blackbox/refactor-cart-service',
        ),
        { agent: 'blackbox' },
      ),
    },
    {
      api: 'cloud',
      id: ids.cloud.error,
      prompt: 'Deploy a preview of the storefront to staging',
      status: 'error',
      error: 'Git push rejected: branch protection on main requires a pull request',
      repoUrl: DEMO_REPOS.storefront,
      agent: 'gemini',
      createdAgoMs: 6 * HOUR,
      log: cloudRunLog(
        [
          { message: 'Cloning repository', step: 'git_cloning' },
          { message: 'remote: error: GH006: Protected branch update failed', type: 'error', contentType: 'ansi' },
        ],
        { agent: 'gemini' },
      ),
    },
    {
      api: 'cloud',
      id: ids.cloud.stopped,
      prompt: 'Translate the UI strings to Spanish',
      status: 'stopped',
      repoUrl: DEMO_REPOS.storefront,
      agent: 'codex',
      createdAgoMs: 30 * HOUR,
      log: cloudRunLog([{ message: 'Sandbox created', type: 'system', step: 'sandbox_created' }], { agent: 'codex' }),
    },
    {
      api: 'cloud',
      id: ids.cloud.timeout,
      prompt: 'Run the full end-to-end suite and fix the failures',
      status: 'timeout',
      error: 'Task exceeded the 60 minute limit',
      repoUrl: DEMO_REPOS.storefront,
      agent: 'claude',
      createdAgoMs: 48 * HOUR,
    },
    multiAgentCloudTask(speed),
    {
      api: 'cloud',
      id: ids.cloud.pending,
      prompt: 'Add pagination to GET /products (cursor based, 50 per page)',
      status: 'pending',
      repoUrl: DEMO_REPOS.shopApi,
      agent: 'blackbox',
      createdAgoMs: 15_000,
      lifecycle: at([{ afterMs: 12_000, status: 'processing' }], speed),
      log: cloudLines(
        defaultCloudLines('Add pagination to GET /products', DEMO_REPOS.shopApi, 'blackbox/add-pagination-products'),
        'blackbox',
        3_000,
      ),
      afterLog: savingThenDone(speed, {
        createdBranch: 'blackbox/add-pagination-products',
        prUrl: 'https://github.com/blackbox-demo/shop-api/pull/61',
        diffStats: { totalLinesAdded: 64, totalLinesRemoved: 9, totalFilesChanged: 3 },
      }),
      expectedDurationMs: 25_000 / speed,
    },
    {
      api: 'cloud',
      id: ids.cloud.processing,
      prompt: 'Add dark mode to the storefront settings page, remembering the choice per user',
      status: 'processing',
      repoUrl: DEMO_REPOS.storefront,
      agent: 'claude',
      createdAgoMs: 60_000,
      log: cloudLines(liveCloudLines(), 'claude', 9_000, 4),
      afterLog: savingThenDone(speed, {
        createdBranch: 'blackbox/add-dark-mode',
        prUrl: 'https://github.com/blackbox-demo/storefront/pull/77',
        diffStats: { totalLinesAdded: 203, totalLinesRemoved: 31, totalFilesChanged: 7 },
      }),
      expectedDurationMs: (3 * MINUTE) / speed,
    },
  ];
  return { name: 'demo', tasks: [...agent, ...cloud] };
}

const CSV_PROMPT = 'Add a CSV export of orders: GET /orders.csv, streamed, filtered by date range.';

/**
 * A 3-agent v1 task: one run per agent, created together, sharing a taskId and chat. Claude
 * (Sonnet) is still at work with a live log, Codex completed with a branch and a pull request,
 * Claude (Opus) failed.
 */
function multiAgentRuns(speed: number): TaskSpec[] {
  const common = {
    api: 'agent' as const,
    taskId: DEMO_IDS.agentMultiTask,
    chatId: DEMO_IDS.agentMultiChat,
    prompt: CSV_PROMPT,
    repoUrl: DEMO_REPOS.shopApi,
  };
  return [
    {
      ...common,
      id: DEMO_IDS.agent.multiRunning,
      status: 'running',
      agent: 'claude',
      model: 'blackboxai/anthropic/claude-sonnet-4.6',
      createdAgoMs: 150_000,
      log: paced(
        scriptedRunLog({
          seed: 'm1',
          paceMs: 2_500,
          buffered: 8,
          steps: defaultRunSteps(CSV_PROMPT, DEMO_REPOS.shopApi, 'blackbox/csv-export-orders-claude'),
        }),
        speed,
      ),
      onLogEnd: { status: 'completed', createdBranch: 'blackbox/csv-export-orders-claude' },
      expectedDurationMs: (4 * MINUTE) / speed,
    },
    {
      ...common,
      id: DEMO_IDS.agent.multiCompleted,
      status: 'completed',
      agent: 'codex',
      model: 'blackboxai/openai/gpt-5.3-codex',
      createdAgoMs: 149_800,
      completedAt: Date.now() - 30_000,
      createdBranch: 'blackbox/csv-export-orders-codex',
      prUrl: 'https://github.com/blackbox-demo/shop-api/pull/88',
      log: scriptedRunLog({
        seed: 'm2',
        steps: defaultRunSteps(CSV_PROMPT, DEMO_REPOS.shopApi, 'blackbox/csv-export-orders-codex'),
      }),
    },
    {
      ...common,
      id: DEMO_IDS.agent.multiFailed,
      status: 'failed',
      agent: 'claude',
      model: 'blackboxai/anthropic/claude-opus-4.1',
      createdAgoMs: 149_600,
      completedAt: Date.now() - 90_000,
      error: 'npm test failed: 2 failing (orders.csv streams an empty body for an empty range)',
      log: scriptedRunLog({
        seed: 'm3',
        steps: [
          { text: 'Adding the CSV route and a streaming serializer.' },
          { files: ['src/routes/orders.ts', 'src/csv.ts'] },
          { bash: 'npm test', stdout: '12 passing\n2 failing', exitCode: 1 },
        ],
      }),
    },
  ];
}

/** The same 3-agent task on the Cloud API: one task, one `agentExecutions` entry per agent. */
function multiAgentCloudTask(speed: number): TaskSpec {
  const lines = (agent: string, branch?: string) =>
    cloudRunLog(defaultCloudLines('Implement a CSV export for orders', DEMO_REPOS.shopApi, branch), { agent });
  // What Codex and Gemini wrote is already there; Claude's lines arrive live.
  const done = [...lines('codex', 'blackbox/csv-export-orders-codex'), ...lines('gemini')].map((event) => ({
    ...event,
    delayMs: 0,
  }));
  const live = paced(
    cloudRunLog(defaultCloudLines('Implement a CSV export for orders', DEMO_REPOS.shopApi), {
      agent: 'claude',
      paceMs: 4_000,
    }),
    speed,
  );
  return {
    api: 'cloud',
    id: DEMO_IDS.cloud.multiAgent,
    prompt: 'Implement a CSV export for orders',
    status: 'processing',
    repoUrl: DEMO_REPOS.shopApi,
    batchId: 'batch_csv_export',
    agent: 'claude',
    createdAgoMs: 3 * MINUTE,
    agents: [
      { agent: 'claude', model: 'blackboxai/anthropic/claude-sonnet-4.6', status: 'processing' },
      {
        agent: 'codex',
        model: 'blackboxai/openai/gpt-5.3-codex',
        status: 'completed',
        branchName: 'blackbox/csv-export-orders-codex',
        prUrl: 'https://github.com/blackbox-demo/shop-api/pull/63',
        diffStats: { totalLinesAdded: 96, totalLinesRemoved: 12, totalFilesChanged: 4 },
        startedAt: Date.now() - 3 * MINUTE + 5_000,
        completedAt: Date.now() - 40_000,
      },
      {
        agent: 'gemini',
        model: 'blackboxai/google/gemini-2.5-pro',
        status: 'error',
        error: 'Agent crashed while running tests',
        startedAt: Date.now() - 3 * MINUTE + 5_000,
        completedAt: Date.now() - 100_000,
      },
    ],
    log: [...done, ...live],
    afterLog: [
      {
        afterMs: Math.round(2_000 / speed),
        agent: 'claude',
        status: 'completed',
        createdBranch: 'blackbox/csv-export-orders-claude',
        prUrl: 'https://github.com/blackbox-demo/shop-api/pull/64',
        diffStats: { totalLinesAdded: 118, totalLinesRemoved: 9, totalFilesChanged: 5 },
      },
    ],
    expectedDurationMs: (4 * MINUTE) / speed,
  };
}

export interface ManyTasksOptions {
  readonly api: 'agent' | 'cloud';
  readonly count: number;
  /** How many of them (the newest) are running; the rest are completed. */
  readonly running?: number;
  readonly repoUrl?: string;
}

/** Many plain tasks without logs, for paging, polling and benchmark tests. */
export function manyTasksScenario(options: ManyTasksOptions): Scenario {
  const tasks: TaskSpec[] = [];
  for (let i = 0; i < options.count; i++) {
    const running = i < (options.running ?? 0);
    tasks.push({
      api: options.api,
      id:
        options.api === 'agent'
          ? `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
          : `tskMany${String(i).padStart(6, '0')}`,
      prompt: `Task number ${i + 1}`,
      status: running ? 'running' : 'completed',
      repoUrl: options.repoUrl ?? DEMO_REPOS.shopApi,
      createdBranch: running ? undefined : `blackbox/task-number-${i + 1}`,
      createdAgoMs: (i + 1) * MINUTE,
    });
  }
  return { name: `many-${options.api}-${options.count}`, tasks };
}

/** Cloud tasks save their work (status `saving`) before they complete. */
export function savingThenDone(speed: number, result: Omit<LifecycleStep, 'afterMs' | 'status'>): LifecycleStep[] {
  return [
    { afterMs: 0, status: 'saving' },
    { afterMs: Math.round(3_000 / speed), status: 'completed', ...result },
  ];
}
