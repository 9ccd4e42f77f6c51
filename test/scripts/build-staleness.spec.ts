import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error a plain ES module of the build scripts, without types
import { STAMP, whyRebuild } from '../../scripts/build-inputs.mjs';
import { makeTempDir } from '../support/temp-dir.js';

const INPUTS = ['src/main.ts', 'src/keys/keys.module.ts', 'dashboard-ui/src/app.ts', 'dashboard-ui/static/index.html', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.dashboard.json', 'dashboard-ui/build.mjs'];

describe('Whether dist/ must be rebuilt (scripts/ensure-build.mjs)', () => {
  const at = (root: string, file: string, seconds: number) => {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '');
    utimesSync(join(root, file), seconds, seconds);
  };
  const tree = () => {
    const dir = makeTempDir('build');
    for (const file of INPUTS) at(dir.path, file, 1000);
    at(dir.path, STAMP, 2000);
    return dir;
  };

  it('says a build is current when every input is older than the stamp', () => {
    const dir = tree();
    try {
      expect(whyRebuild(dir.path)).toBeNull();
    } finally {
      dir.remove();
    }
  });

  it('asks for a build when there is none', () => {
    const dir = makeTempDir('build');
    try {
      for (const file of INPUTS) at(dir.path, file, 1000);
      expect(whyRebuild(dir.path)).toBe('no build yet');
    } finally {
      dir.remove();
    }
  });

  it.each(['src/keys/keys.module.ts', 'dashboard-ui/src/app.ts', 'dashboard-ui/static/index.html', 'package-lock.json', 'tsconfig.build.json'])(
    'asks for a build when %s is newer than the stamp',
    (file) => {
      const dir = tree();
      try {
        at(dir.path, file, 3000);
        expect(whyRebuild(dir.path)).toBe(`${file} changed since the last build`);
      } finally {
        dir.remove();
      }
    },
  );

  it('ignores specs, which are not part of dist/', () => {
    const dir = tree();
    try {
      at(dir.path, 'src/keys/keys.module.spec.ts', 3000);
      expect(whyRebuild(dir.path)).toBeNull();
    } finally {
      dir.remove();
    }
  });
});
