import * as assert from 'node:assert/strict';
import { repositoryDisplayName } from '../../src/core/git/githubRemote';
import {
  describeFilter,
  isFilterActive,
  NO_FILTER,
  normalizeRepoUrl,
  parseFilter,
  taskMatcher,
} from '../../src/core/view/taskFilter';
import type { Task } from '../../src/core/tasks/model';

function task(overrides: Partial<Task>): Task {
  return { id: 'x', api: 'cloud', status: 'completed', rawStatus: 'completed', ...overrides };
}

describe('taskFilter', () => {
  describe('normalizeRepoUrl', () => {
    it('gives one key for the https, ssh and scp-like forms of a GitHub repository', () => {
      const forms = [
        'https://github.com/Acme/Shop-API.git',
        'https://github.com/acme/shop-api',
        'https://user@github.com/acme/shop-api.git/',
        'git@github.com:acme/shop-api.git',
        'ssh://git@github.com/acme/shop-api.git',
        'ssh://git@github.com:22/acme/shop-api',
        'git://github.com/acme/shop-api.git',
        'https://www.github.com/acme/shop-api',
      ];
      for (const form of forms) assert.equal(normalizeRepoUrl(form), 'acme/shop-api', form);
    });

    it('keeps different repositories and hosts apart', () => {
      assert.notEqual(
        normalizeRepoUrl('https://github.com/acme/shop'),
        normalizeRepoUrl('https://github.com/acme/shop-api'),
      );
      assert.notEqual(
        normalizeRepoUrl('https://gitlab.com/acme/shop'),
        normalizeRepoUrl('https://github.com/acme/shop'),
      );
    });

    it('rejects what is not a repository URL', () => {
      assert.equal(normalizeRepoUrl(''), undefined);
      assert.equal(normalizeRepoUrl('just words'), undefined);
      assert.equal(normalizeRepoUrl('https://github.com/acme'), undefined);
      assert.equal(normalizeRepoUrl('/home/me/repo'), undefined);
    });

    it('shows owner/repo for GitHub and keeps other hosts visible', () => {
      assert.equal(repositoryDisplayName('git@github.com:Acme/Shop.git'), 'Acme/Shop');
      assert.equal(repositoryDisplayName('https://gitlab.com/group/sub/repo.git'), 'gitlab.com/group/sub/repo');
      assert.equal(repositoryDisplayName('https://ci:t0ken@gitlab.com/group/repo.git'), 'gitlab.com/group/repo');
    });
  });

  describe('matcher', () => {
    const repos = new Set(['acme/shop-api']);

    it('lets everything through without a filter', () => {
      assert.equal(taskMatcher(NO_FILTER, repos)(task({})), true);
      assert.equal(isFilterActive(NO_FILTER), false);
    });

    it('keeps only tasks on a workspace remote in repository scope; unknown repositories wait', () => {
      const match = taskMatcher({ ...NO_FILTER, scope: 'repository' }, repos);
      assert.equal(match(task({ repoUrl: 'git@github.com:acme/shop-api.git' })), true);
      assert.equal(match(task({ repoUrl: 'https://github.com/acme/other' })), false);
      assert.equal(match(task({})), false);
    });

    it('matches text case-insensitively in prompt, id, branch and follow-ups', () => {
      const match = taskMatcher({ ...NO_FILTER, text: 'LOGIN' }, repos);
      assert.equal(match(task({ prompt: 'Fix the login page' })), true);
      assert.equal(match(task({ createdBranch: 'blackbox/login-fix' })), true);
      assert.equal(match(task({ followUps: [{ prompt: 'also the login test' }] })), true);
      assert.equal(match(task({ prompt: 'Unrelated' })), false);
    });

    it('filters by any of the chosen statuses', () => {
      const match = taskMatcher({ ...NO_FILTER, statuses: ['failed', 'interrupted'] }, repos);
      assert.equal(match(task({ status: 'failed' })), true);
      assert.equal(match(task({ status: 'interrupted' })), true);
      assert.equal(match(task({ status: 'completed' })), false);
    });
  });

  it('describes the active filter in a short phrase, statuses in lifecycle order', () => {
    assert.equal(describeFilter(NO_FILTER), '');
    assert.equal(
      describeFilter({ scope: 'repository', text: ' login ', statuses: ['failed', 'running'] }),
      'this repository · “login” · running, failed',
    );
  });

  it('reads a stored filter back defensively', () => {
    assert.deepEqual(parseFilter({ scope: 'repository', text: 'x', statuses: ['failed', 'bogus'] }), {
      scope: 'repository',
      text: 'x',
      statuses: ['failed'],
    });
    assert.deepEqual(parseFilter('garbage'), NO_FILTER);
    assert.deepEqual(parseFilter({ scope: 'elsewhere', text: 3 }), NO_FILTER);
  });
});
