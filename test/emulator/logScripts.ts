/**
 * Builders for realistic scripted logs: v1 `data:` events (text deltas, bash tool
 * calls, a files event) and Cloud log lines. Pure: ids derive from a seed, not chance.
 */
import type { JsonObject, ScriptedLogEvent } from './types';

export type RunStep =
  | { readonly text: string }
  | { readonly bash: string; readonly stdout?: string; readonly exitCode?: number }
  | { readonly files: readonly string[] };

export interface RunLogOptions {
  readonly steps: readonly RunStep[];
  /** Pause between events, ms (default 400). */
  readonly paceMs?: number;
  /** Characters per text-delta (default 24). */
  readonly chunkSize?: number;
  /** How many leading events are already buffered (delay 0) when the run is added. */
  readonly buffered?: number;
  /** Distinguishes ids of several logs (default 'a'). */
  readonly seed?: string;
  /** Adds the undocumented session-init and result events (default true). */
  readonly undocumented?: boolean;
}

/** Splits text into chunks that never cut a surrogate pair (emoji stay whole). */
export function chunkText(text: string, size: number): string[] {
  const chars = Array.from(text);
  const chunks: string[] = [];
  for (let i = 0; i < chars.length; i += size) chunks.push(chars.slice(i, i + size).join(''));
  return chunks;
}

/** A v1 run's event sequence, without `start`/`finish` (the emulator adds those as the run moves). */
export function scriptedRunLog(options: RunLogOptions): ScriptedLogEvent[] {
  const pace = options.paceMs ?? 400;
  const size = options.chunkSize ?? 24;
  const seed = options.seed ?? 'a';
  const events: JsonObject[] = [];
  if (options.undocumented !== false)
    events.push({ type: 'session-init', sessionId: `sess_${seed}`, cwd: '/vercel/sandbox' });
  let textBlock = 0;
  let toolCall = 0;
  for (const step of options.steps) {
    if ('text' in step) {
      const id = `msg_${seed}${++textBlock}`;
      events.push({ type: 'text-start', id });
      for (const delta of chunkText(step.text, size)) events.push({ type: 'text-delta', id, delta });
    } else if ('bash' in step) {
      const toolCallId = `tc_${seed}${String(++toolCall).padStart(3, '0')}`;
      events.push({ type: 'tool-call-start', toolCallId, toolName: 'bash' });
      events.push({ type: 'tool-input-available', toolCallId, toolName: 'bash', input: { command: step.bash } });
      events.push({
        type: 'tool-output-available',
        toolCallId,
        toolName: 'bash',
        output: { stdout: step.stdout ?? '', exitCode: step.exitCode ?? 0 },
      });
    } else {
      events.push({ type: 'files', files: step.files.map((path) => ({ path, action: 'modified' })) });
    }
  }
  if (options.undocumented !== false)
    events.push({ type: 'result', subtype: 'success', numTurns: toolCall + textBlock });
  const buffered = options.buffered ?? 0;
  return events.map((event, i) => ({ delayMs: i < buffered ? 0 : pace, event }));
}

export function slugForBranch(prompt: string): string {
  const words = prompt
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .slice(0, 4);
  return `blackbox/${words.length > 0 ? words.join('-') : 'task'}`;
}

/** A plausible run for a prompt: look around, change files, test, commit, push. */
export function defaultRunSteps(prompt: string, repoUrl?: string, branch?: string): RunStep[] {
  const firstLine = prompt.split('\n')[0] ?? prompt;
  const summary = firstLine.length > 80 ? `${firstLine.slice(0, 77)}...` : firstLine;
  const steps: RunStep[] = [{ text: `I'll start by looking at the project to work on: ${summary}` }];
  if (repoUrl)
    steps.push({ bash: `git clone ${repoUrl} /vercel/sandbox`, stdout: "Cloning into '/vercel/sandbox'...\ndone." });
  steps.push(
    { bash: 'ls', stdout: 'README.md\npackage.json\nsrc\ntest' },
    { text: 'The project has a standard layout. Making the change now.' },
    { files: ['src/index.ts', 'test/index.test.ts'] },
    { bash: 'npm test', stdout: '\u001b[32m✔\u001b[39m 14 passing (212ms)' },
  );
  if (repoUrl && branch) {
    steps.push({
      bash: `git push -u origin ${branch}`,
      stdout: `branch '${branch}' set up to track 'origin/${branch}'.`,
    });
  }
  steps.push({ text: 'Done: the change is in place and the tests pass.' });
  return steps;
}

export interface CloudLogLine {
  readonly message: string;
  readonly type?: 'info' | 'error' | 'success' | 'warning' | 'system';
  readonly contentType?: 'agentResponse' | 'ansi' | 'system' | 'message' | 'plain-text';
  readonly step?: string;
}

/** Cloud log lines, paced; `agent` is stamped on each (multi-agent logs say whose line it is). */
export function cloudRunLog(
  lines: readonly CloudLogLine[],
  options: { paceMs?: number; agent?: string; buffered?: number } = {},
): ScriptedLogEvent[] {
  const pace = options.paceMs ?? 500;
  const buffered = options.buffered ?? 0;
  return lines.map((line, i) => ({
    delayMs: i < buffered ? 0 : pace,
    event: {
      type: line.type ?? 'info',
      contentType: line.contentType ?? 'system',
      message: line.message,
      agent: options.agent ?? 'blackbox',
      step: line.step ?? 'agent_executing',
    },
  }));
}

/** The Cloud lines of a plausible run. */
export function defaultCloudLines(prompt: string, repoUrl?: string, branch?: string): CloudLogLine[] {
  const firstLine = prompt.split('\n')[0] ?? prompt;
  const lines: CloudLogLine[] = [{ message: 'Sandbox created', type: 'system', step: 'sandbox_created' }];
  if (repoUrl) lines.push({ message: `Cloning ${repoUrl}`, step: 'git_cloning' });
  lines.push(
    { message: `Working on: ${firstLine}`, contentType: 'agentResponse' },
    { message: '$ npm test\n\u001b[32m✔\u001b[39m 14 passing', contentType: 'ansi' },
    { message: 'Changes look good.', contentType: 'agentResponse' },
  );
  if (branch) lines.push({ message: `Committed and pushed ${branch}`, type: 'success', step: 'git_committed' });
  return lines;
}
