import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { findGitRoot } from '../../src/gitRoot';

test('the nearest folder with .git, from the folder itself or below it; none outside', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacit-gitroot-'));
  try {
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'src', 'deep'), { recursive: true });
    assert.equal(findGitRoot(repo), repo);
    assert.equal(findGitRoot(path.join(repo, 'src', 'deep')), repo);
    // A worktree or submodule has a .git file.
    const worktree = path.join(dir, 'worktree');
    fs.mkdirSync(worktree);
    fs.writeFileSync(path.join(worktree, '.git'), 'gitdir: ../repo/.git/worktrees/w\n');
    assert.equal(findGitRoot(worktree), worktree);
    const plain = path.join(dir, 'plain');
    fs.mkdirSync(plain);
    const found = findGitRoot(plain);
    // Only if the temporary folder itself sits in a repository would anything be found.
    assert.ok(found === undefined || !found.startsWith(dir), String(found));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
