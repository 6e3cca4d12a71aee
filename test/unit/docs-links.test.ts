/**
 * The documentation holds together: every relative link in README.md, CONTRIBUTING.md,
 * CHANGELOG.md, ARCHITECTURE.md, bench/README.md and docs/**\/*.md points at a file that exists
 * (and, for `#anchors`, at a heading of that file), and every page under docs/ is reachable
 * from README.md by following links.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOP_LEVEL = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'ARCHITECTURE.md', 'bench/README.md'];

function markdownUnder(base: string, dir: string): string[] {
  return readdirSync(join(base, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return markdownUnder(base, path);
    return e.name.endsWith('.md') ? [path] : [];
  });
}

/** The text outside fenced code blocks. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** The text outside fenced code blocks and inline code spans (links there are not links). */
function prose(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = heading!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*`]|<[^>]+>/g, '');
    const slug = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** Relative link targets of a page: `[text](target)` and `![alt](target)`, without web links. */
function linksOf(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** `page: target (why)` for every relative link that does not resolve. */
function brokenLinks(base: string, pages: readonly string[]): string[] {
  const broken: string[] = [];
  for (const page of pages) {
    const text = readFileSync(join(base, page), 'utf8');
    for (const target of linksOf(text)) {
      const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
      const file = pathPart === '' ? join(base, page) : resolve(join(base, dirname(page)), decodeURIComponent(pathPart));
      if (!existsSync(file)) {
        broken.push(`${page}: ${target} (no such file)`);
        continue;
      }
      if (anchor && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor.toLowerCase())) {
        broken.push(`${page}: ${target} (no heading #${anchor} in ${relative(base, file)})`);
      }
    }
  }
  return broken;
}

/** The markdown pages reachable from `start` by following relative links. */
function reachableFrom(base: string, start: string): Set<string> {
  const reached = new Set<string>([start]);
  const queue = [start];
  while (queue.length) {
    const page = queue.shift()!;
    for (const target of linksOf(readFileSync(join(base, page), 'utf8'))) {
      const pathPart = target.split('#')[0]!;
      if (!pathPart.endsWith('.md')) continue;
      const next = relative(base, resolve(join(base, dirname(page)), decodeURIComponent(pathPart)));
      if (!reached.has(next) && existsSync(join(base, next))) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  return reached;
}

const docsPages = markdownUnder(root, 'docs');
const allPages = [...TOP_LEVEL, ...docsPages];

describe('documentation links', () => {
  it('finds the docs pages (the checks cannot pass vacuously)', () => {
    expect(docsPages).toEqual(expect.arrayContaining(['docs/README.md', 'docs/getting-started.md', 'docs/reference/configuration.md']));
  });

  it('has no broken relative link or anchor', () => {
    expect(brokenLinks(root, allPages)).toEqual([]);
  });

  it('reaches every docs page and the project pages from README.md', () => {
    const reached = reachableFrom(root, 'README.md');
    expect(allPages.filter((page) => !reached.has(page))).toEqual([]);
  });

  it('reports a missing file, a missing anchor and an unreachable page', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-links-'));
    try {
      writeFileSync(join(dir, 'README.md'), '# Top\n\n[a](a.md#the-part) [gone](gone.md) [bad](a.md#nowhere) [self](#top)\n\n```\n[in code](nope.md)\n```\n');
      writeFileSync(join(dir, 'a.md'), '# A\n\n## The part\n');
      writeFileSync(join(dir, 'orphan.md'), '# Orphan\n');
      expect(brokenLinks(dir, ['README.md', 'a.md'])).toEqual(['README.md: gone.md (no such file)', 'README.md: a.md#nowhere (no heading #nowhere in a.md)']);
      expect([...reachableFrom(dir, 'README.md')].sort()).toEqual(['README.md', 'a.md']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
