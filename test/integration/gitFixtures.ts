// Temporary git repositories for integration tests: a local bare repository standing in for
// GitHub, and a clone whose remote has a GitHub URL that git rewrites to the bare one
// (`url.<bare>.insteadOf`), so the extension sees a GitHub remote while fetch and push stay
// on this machine. Tests may run git directly to build and inspect fixtures; the extension never does.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { LocalRepository } from '../../src/adapters/git/gitRepository';
import type { BlackboxTasksTestApi } from '../../src/extension';
import { waitUntil } from './harness';

const IDENTITY = [
  '-c',
  'user.email=tests@example.invalid',
  '-c',
  'user.name=Integration Tests',
  '-c',
  'commit.gpgsign=false',
];

export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', [...IDENTITY, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  if (result.status !== 0)
    throw new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${result.stderr || result.error?.message}`);
  return result.stdout.trim();
}

export interface GitFixture {
  /** The clone the extension works in. */
  readonly clone: string;
  /** The bare repository that stands in for GitHub. */
  readonly bare: string;
  /** The GitHub-style URL the clone's `origin` is set to. */
  readonly remoteUrl: string;
  /** A second clone standing in for the agent, which pushes branches to the bare repository. */
  readonly agent: string;
  write(relativePath: string, content: string, where?: 'clone' | 'agent'): void;
  read(relativePath: string): string;
  commit(message: string, where?: 'clone' | 'agent'): void;
  /** The agent pushes a branch off `main` with these files (null deletes a file). */
  agentPushes(branch: string, files: Readonly<Record<string, string | null>>, message?: string): string;
  /** Branches the bare repository ("GitHub") has. */
  remoteBranches(): string[];
  currentBranch(): string;
  dispose(): void;
}

/**
 * A clone of a fresh repository with `main` (README.md, src/app.ts, docs/old.md) pushed.
 * `remoteUrl` may be HTTPS or SSH; git is told to use the bare repository for it.
 */
export function createGitFixture(name: string, remoteUrl: string): GitFixture {
  const scratch = mkdtempSync(join(tmpdir(), `blackbox-git-${name}-`));
  const bare = join(scratch, `${name}.git`);
  const clone = join(scratch, name);
  const agent = join(scratch, `${name}-agent`);
  git(scratch, 'init', '--quiet', '--bare', '--initial-branch=main', bare);

  const configure = (folder: string): void => {
    git(folder, 'config', 'user.email', 'tests@example.invalid');
    git(folder, 'config', 'user.name', 'Integration Tests');
    git(folder, 'config', `url.${bare}.insteadOf`, remoteUrl);
  };
  for (const folder of [clone, agent]) {
    mkdirSync(folder);
    git(folder, 'init', '--quiet', '--initial-branch=main');
    configure(folder);
    git(folder, 'remote', 'add', 'origin', remoteUrl);
  }
  const write = (relativePath: string, content: string, where: 'clone' | 'agent' = 'clone'): void => {
    const path = join(where === 'clone' ? clone : agent, relativePath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  };
  write('README.md', `# ${name}\n`);
  write('src/app.ts', 'export const version = 1;\n');
  write('docs/old.md', 'Old notes.\n');
  git(clone, 'add', '.');
  git(clone, 'commit', '--quiet', '-m', 'Initial commit');
  git(clone, 'push', '--quiet', '-u', 'origin', 'main');
  git(agent, 'fetch', '--quiet', 'origin');
  git(agent, 'reset', '--quiet', '--hard', 'origin/main');

  return {
    clone,
    bare,
    remoteUrl,
    agent,
    write,
    read: (relativePath) => readFileSync(join(clone, relativePath), 'utf8'),
    commit(message, where = 'clone') {
      const folder = where === 'clone' ? clone : agent;
      git(folder, 'add', '-A');
      git(folder, 'commit', '--quiet', '-m', message);
    },
    agentPushes(branch, files, message = `Agent work on ${branch}`) {
      git(agent, 'fetch', '--quiet', 'origin');
      const exists =
        spawnSync('git', ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`], { cwd: agent })
          .status === 0;
      git(agent, 'checkout', '--quiet', '-B', branch, exists ? `origin/${branch}` : 'origin/main');
      for (const [path, content] of Object.entries(files)) {
        if (content === null) git(agent, 'rm', '--quiet', path);
        else write(path, content, 'agent');
      }
      git(agent, 'add', '-A');
      git(agent, 'commit', '--quiet', '-m', message);
      git(agent, 'push', '--quiet', 'origin', `${branch}:${branch}`);
      return git(agent, 'rev-parse', 'HEAD');
    },
    remoteBranches() {
      return git(bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads').split('\n').filter(Boolean).sort();
    },
    currentBranch() {
      return git(clone, 'rev-parse', '--abbrev-ref', 'HEAD');
    },
    dispose() {
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Has the git extension open the fixture's clone and waits until it has read its state. */
export async function openInGit(api: BlackboxTasksTestApi, fixture: GitFixture): Promise<LocalRepository> {
  const repository = await api.git.openRepository(vscode.Uri.file(fixture.clone));
  assert.ok(repository, `the git extension opened ${fixture.clone}`);
  await repository.refresh();
  await waitUntil(() => repository.head().commit !== undefined && repository.gitHubRemotes().length > 0, {
    what: `git to read ${fixture.clone}`,
    timeoutMs: 15_000,
  });
  return repository;
}

/** Closes the clone in the git extension (so it stops watching it) and deletes the fixture. */
export async function closeFixture(fixture: GitFixture | undefined): Promise<void> {
  if (!fixture) return;
  try {
    await vscode.commands.executeCommand('git.close', vscode.Uri.file(fixture.clone));
  } catch {
    // Already closed, or the command wants another argument shape: deleting the folder is what matters.
  }
  fixture.dispose();
}

/**
 * A fresh fixture for each test of the calling suite, open in the git extension before the
 * test and closed and deleted after it. Returns the current test's fixture.
 */
export function useGitFixture(
  suite: { readonly api: BlackboxTasksTestApi },
  name: string,
  remoteUrl: string,
): () => GitFixture {
  let fixture: GitFixture | undefined;
  beforeEach(async () => {
    fixture = createGitFixture(name, remoteUrl);
    await openInGit(suite.api, fixture);
  });
  afterEach(async () => {
    await closeFixture(fixture);
    fixture = undefined;
  });
  return () => {
    assert.ok(fixture, 'the git fixture is made in beforeEach: use it inside tests');
    return fixture;
  };
}
