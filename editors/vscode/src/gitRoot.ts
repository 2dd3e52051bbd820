// The git work tree holding a folder: Tacit only runs in one (its knowledge lives in git refs).
import * as fs from 'fs';
import * as path from 'path';

// The nearest folder at or above `start` with a `.git` (a folder, or a file for
// worktrees and submodules), or undefined.
export function findGitRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
