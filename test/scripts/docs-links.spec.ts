import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/**
 * The links between README.md and docs/*.md: each relative one names a file that exists, and each `#anchor` a
 * heading of its target, as GitHub makes the anchor (lowercase, punctuation dropped, each space a hyphen, a repeated
 * heading suffixed -1, -2, ...). Headings are renamed over the sessions; a link left behind lands on the page's top.
 */
const DOCS = ['README.md', ...readdirSync('docs').filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

function githubAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const text = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const base = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(base);
    seen.set(base, (count ?? -1) + 1);
    anchors.add(count === undefined ? base : `${base}-${count + 1}`);
  }
  return anchors;
}

/** Each relative link of a document outside its code (fenced blocks and `inline code`), with its line. */
function relativeLinks(markdown: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  let inFence = false;
  markdown.split('\n').forEach((text, index) => {
    if (/^\s*```/.test(text)) inFence = !inFence;
    if (inFence) return;
    for (const match of text.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(match[1])) links.push({ line: index + 1, target: match[1] });
    }
  });
  return links;
}

describe('links between the docs', () => {
  it('githubAnchors names headings as GitHub does, a repeated one with its suffix', () => {
    const anchors = githubAnchors('# Operations\n## Client addresses (`TRUST_PROXY`)\n```bash\n# not a heading\n```\n## Backups\n## Backups\n');
    expect([...anchors]).toEqual(['operations', 'client-addresses-trust_proxy', 'backups', 'backups-1']);
  });

  it('every relative link names a file that exists and, with an #anchor, a heading of it', () => {
    const anchorsOf = new Map(DOCS.map((file) => [file, githubAnchors(readFileSync(file, 'utf8'))]));
    const broken: string[] = [];
    for (const file of DOCS) {
      for (const { line, target } of relativeLinks(readFileSync(file, 'utf8'))) {
        const [path, anchor] = target.split('#');
        const linked = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
        if (!existsSync(linked)) broken.push(`${file}:${line} ${target}: no file ${linked}`);
        else if (anchor !== undefined && linked.endsWith('.md') && !(anchorsOf.get(linked)?.has(anchor) ?? false)) {
          broken.push(`${file}:${line} ${target}: no heading of ${linked} makes #${anchor}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('every docs/<file>.md#anchor named in the sources (comments, messages) is a heading of that file', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : /\.(ts|mjs|js|cjs)$/.test(name) ? [path] : [];
      });
    const broken: string[] = [];
    for (const file of ['src', 'dashboard-ui/src', 'scripts', 'bench'].flatMap(walk)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((text, index) => {
          for (const [reference, doc, anchor] of text.matchAll(/(docs\/[A-Za-z-]+\.md)#([a-z0-9_-]+)/g)) {
            if (!existsSync(doc) || !githubAnchors(readFileSync(doc, 'utf8')).has(anchor)) broken.push(`${file}:${index + 1} ${reference}`);
          }
        });
    }
    expect(broken).toEqual([]);
  });
});
