import * as vscode from 'vscode';
import type { ApiKind } from '../../core/tasks/model';
import type { AgentChoice } from '../../core/api/tasksApi';
import { showWarning } from '../userMessages';

/** The agents each API documents. */
export const AGENTS_BY_API: Readonly<Record<ApiKind, readonly string[]>> = {
  agent: ['claude', 'codex'],
  cloud: ['claude', 'blackbox', 'codex', 'gemini'],
};

export const MIN_AGENTS = 2;
export const MAX_AGENTS = 5;

/** Who works on the task: one agent (optionally with a model), or several at once. */
export type AgentSelection =
  | { readonly kind: 'single'; readonly agent?: string; readonly model?: string }
  | { readonly kind: 'multi'; readonly agents: readonly AgentChoice[] };

/** `blackboxTasks.defaultAgent` / `defaultModel`; empty means the service's default. */
export function agentDefaults(): { readonly agent?: string; readonly model?: string } {
  const settings = vscode.workspace.getConfiguration('blackboxTasks');
  const agent = settings.get<string>('defaultAgent', '').trim();
  const model = settings.get<string>('defaultModel', '').trim();
  return { ...(agent ? { agent } : {}), ...(model ? { model } : {}) };
}

type PickItem = vscode.QuickPickItem & {
  readonly action:
    | { readonly kind: 'agent'; readonly agent?: string }
    | { readonly kind: 'multi' }
    | { readonly kind: 'model' }
    | { readonly kind: 'none' };
};

/**
 * One quick pick: the agents (the default from settings on top and preselected), an item to
 * change the model, and one for several agents at once. Undefined when dismissed.
 */
export async function pickAgents(kind: ApiKind, title: string): Promise<AgentSelection | undefined> {
  const defaults = agentDefaults();
  let model = defaults.model;
  const known = AGENTS_BY_API[kind];
  for (;;) {
    const agents = defaults.agent && !known.includes(defaults.agent) ? [defaults.agent, ...known] : [...known];
    const ordered = defaults.agent ? [defaults.agent, ...agents.filter((agent) => agent !== defaults.agent)] : agents;
    const items: PickItem[] = [
      ...(defaults.agent
        ? []
        : [
            {
              label: `$(sparkle) ${vscode.l10n.t('Service default')}`,
              description: vscode.l10n.t('let BLACKBOX choose the agent'),
              action: { kind: 'agent' as const },
            },
          ]),
      ...ordered.map((agent) => ({
        label: `$(hubot) ${agent}`,
        description:
          agent === defaults.agent
            ? vscode.l10n.t('default (setting)')
            : known.includes(agent)
              ? ''
              : vscode.l10n.t('from settings; not documented for this API'),
        action: { kind: 'agent' as const, agent },
      })),
      { label: '', kind: vscode.QuickPickItemKind.Separator, action: { kind: 'none' } },
      {
        label: `$(settings) ${vscode.l10n.t('Model: {0}', model ?? vscode.l10n.t('service default'))}`,
        description: vscode.l10n.t('change…'),
        action: { kind: 'model' },
      },
      {
        label: `$(organization) ${vscode.l10n.t('Several agents at once…')}`,
        description: vscode.l10n.t('{0}–{1} agents, each in its own run', MIN_AGENTS, MAX_AGENTS),
        action: { kind: 'multi' },
      },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title,
      placeHolder: vscode.l10n.t('Which agent should do it? (Enter takes the first)'),
    });
    if (!picked) return undefined;
    const action = picked.action;
    if (action.kind === 'agent')
      return { kind: 'single', ...(action.agent ? { agent: action.agent } : {}), ...(model ? { model } : {}) };
    if (action.kind === 'model') {
      const typed = await vscode.window.showInputBox({
        title,
        prompt: vscode.l10n.t(
          'Model id, e.g. blackboxai/anthropic/claude-sonnet-4.6. Leave empty for the service default.',
        ),
        value: model ?? '',
      });
      if (typed !== undefined) model = typed.trim() || undefined;
      continue;
    }
    if (action.kind === 'multi') {
      const several = await pickSeveralAgents(kind, title);
      if (!several) continue;
      const agents = await pickModels(several, model, title);
      if (agents) return { kind: 'multi', agents };
    }
  }
}

/**
 * The model for each chosen agent, asked one agent at a time and prefilled with the model picked
 * before (or the setting's); empty means the service's default for that agent. Undefined when
 * dismissed.
 */
async function pickModels(
  agents: readonly string[],
  initialModel: string | undefined,
  title: string,
): Promise<AgentChoice[] | undefined> {
  const choices: AgentChoice[] = [];
  for (const [index, agent] of agents.entries()) {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('{0}: model for {1} ({2} of {3})', title, agent, index + 1, agents.length),
      prompt: vscode.l10n.t(
        'Model id for {0}, e.g. blackboxai/anthropic/claude-sonnet-4.6. Leave empty for the service default.',
        agent,
      ),
      value: initialModel ?? '',
    });
    if (typed === undefined) return undefined;
    const chosen = typed.trim() || undefined;
    choices.push({ agent, ...(chosen ? { model: chosen } : {}) });
  }
  return choices;
}

async function pickSeveralAgents(kind: ApiKind, title: string): Promise<string[] | undefined> {
  const known = AGENTS_BY_API[kind];
  for (;;) {
    const picked = await vscode.window.showQuickPick(
      known.map((agent) => ({ label: agent, picked: true })),
      {
        title,
        canPickMany: true,
        placeHolder: vscode.l10n.t(
          'Choose {0}–{1} agents; each works on the task in its own run',
          MIN_AGENTS,
          MAX_AGENTS,
        ),
      },
    );
    if (!picked) return undefined;
    if (picked.length >= MIN_AGENTS && picked.length <= MAX_AGENTS) return picked.map((item) => item.label);
    void showWarning(
      vscode.l10n.t('Choose between {0} and {1} agents (you chose {2}).', MIN_AGENTS, MAX_AGENTS, picked.length),
    );
  }
}
