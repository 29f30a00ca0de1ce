import * as assert from 'node:assert/strict';
import {
  cloneUrlOf,
  gitHubDisplayName,
  parseGitHubRemote,
  repositoryKey,
  sameGitHubRepository,
} from '../../src/core/git/githubRemote';

/** What Create Task sends for a remote: the parsed repository's clone URL. */
function gitHubCloneUrl(remote: string): string | undefined {
  const repository = parseGitHubRemote(remote);
  return repository ? cloneUrlOf(repository) : undefined;
}

describe('githubRemote', () => {
  describe('gitHubCloneUrl', () => {
    const forms: readonly [string, string][] = [
      ['git@github.com:blackbox-demo/shop-api.git', 'scp-like SSH'],
      ['git@github.com:blackbox-demo/shop-api', 'scp-like SSH without .git'],
      ['ssh://git@github.com/blackbox-demo/shop-api', 'ssh:// without .git'],
      ['ssh://git@github.com/blackbox-demo/shop-api.git', 'ssh:// with .git'],
      ['ssh://git@github.com:22/blackbox-demo/shop-api.git', 'ssh:// with a port'],
      ['ssh://git@ssh.github.com:443/blackbox-demo/shop-api.git', 'SSH over port 443'],
      ['git+ssh://git@github.com/blackbox-demo/shop-api.git', 'git+ssh://'],
      ['https://github.com/blackbox-demo/shop-api.git', 'HTTPS with .git'],
      ['https://github.com/blackbox-demo/shop-api', 'HTTPS without .git'],
      ['https://github.com/blackbox-demo/shop-api/', 'HTTPS with a trailing slash'],
      ['https://github.com/blackbox-demo/shop-api.git/', 'HTTPS with .git and a trailing slash'],
      ['http://github.com/blackbox-demo/shop-api', 'plain HTTP'],
      ['HTTPS://GitHub.COM/blackbox-demo/shop-api.GIT', 'upper-case scheme, host and suffix'],
      ['https://www.github.com/blackbox-demo/shop-api', 'www.'],
      ['git://github.com/blackbox-demo/shop-api.git', 'git://'],
      ['  https://github.com/blackbox-demo/shop-api.git\n', 'surrounding whitespace'],
      ['github.com/blackbox-demo/shop-api', 'no scheme, as pasted'],
    ];
    for (const [remote, form] of forms) {
      it(`normalises ${form}`, () => {
        assert.equal(gitHubCloneUrl(remote), 'https://github.com/blackbox-demo/shop-api.git');
      });
    }

    it('never carries credentials from the remote into the clone URL', () => {
      assert.equal(
        gitHubCloneUrl('https://x-access-token:ghp_secret123@github.com/acme/app.git'),
        'https://github.com/acme/app.git',
      );
      assert.equal(gitHubCloneUrl('https://someone@github.com/acme/app'), 'https://github.com/acme/app.git');
    });

    it("keeps the owner's and repository's spelling", () => {
      assert.equal(
        gitHubCloneUrl('git@github.com:Acme-Corp/Shop.API.git'),
        'https://github.com/Acme-Corp/Shop.API.git',
      );
    });

    it('refuses other hosts, including look-alikes', () => {
      for (const remote of [
        'https://gitlab.com/acme/app.git',
        'git@bitbucket.org:acme/app.git',
        'https://github.com.evil.example/acme/app.git',
        'https://evilgithub.com/acme/app.git',
        'https://github.example.com/acme/app.git',
        'git@github.com.evil.example:acme/app.git',
      ]) {
        assert.equal(gitHubCloneUrl(remote), undefined, remote);
      }
    });

    it('refuses paths that are not exactly owner/repository', () => {
      for (const remote of [
        'https://github.com/acme',
        'https://github.com/acme/app/tree/main',
        'https://github.com/acme/app.git?ref=main',
        'https://github.com/acme/app#readme',
        'git@github.com:acme/../app.git',
        'https://github.com/acme/..',
        'https://github.com/-acme/app',
        'https://github.com/acme/app%20name',
        'git@github.com:acme/a pp.git',
        'file:///tmp/acme/app.git',
        '/srv/git/app.git',
        '../app.git',
        '',
        'github.com',
      ]) {
        assert.equal(gitHubCloneUrl(remote), undefined, remote);
      }
    });
  });

  describe('parseGitHubRemote', () => {
    it('gives owner and name for messages and keys', () => {
      const repository = parseGitHubRemote('git@github.com:Acme/Shop.git');
      assert.deepEqual(repository, { owner: 'Acme', name: 'Shop' });
      assert.ok(repository);
      assert.equal(gitHubDisplayName(repository), 'Acme/Shop');
      assert.equal(repositoryKey(repository), 'acme/shop');
      assert.equal(cloneUrlOf(repository), 'https://github.com/Acme/Shop.git');
    });
  });

  describe('sameGitHubRepository', () => {
    it('matches one repository across forms and case', () => {
      assert.ok(
        sameGitHubRepository('git@github.com:Blackbox-Demo/Shop-API.git', 'https://github.com/blackbox-demo/shop-api'),
      );
      assert.ok(
        sameGitHubRepository(
          'ssh://git@github.com/blackbox-demo/shop-api',
          'https://github.com/blackbox-demo/shop-api.git/',
        ),
      );
    });

    it('tells different repositories apart', () => {
      assert.ok(
        !sameGitHubRepository(
          'https://github.com/blackbox-demo/shop-api',
          'https://github.com/blackbox-demo/shop-api-v2',
        ),
      );
      assert.ok(
        !sameGitHubRepository('https://github.com/blackbox-demo/shop-api', 'https://github.com/other/shop-api'),
      );
    });

    it('never matches when either side is not a GitHub repository', () => {
      assert.ok(!sameGitHubRepository('https://gitlab.com/a/b', 'https://gitlab.com/a/b'));
      assert.ok(!sameGitHubRepository('', ''));
    });
  });
});
