/**
 * docs/reference/definition-language.md is generated from the definition language's zod
 * schemas (scripts/definition-language-doc.ts): the checked-in page must be what the schemas
 * render now, so a new or changed step type cannot leave the reference behind.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFINITION_LANGUAGE_DOC, renderDefinitionLanguage } from '../../scripts/definition-language-doc.ts';
import { STEP_TYPES } from '../../src/automations/definition.ts';

describe('definition language reference', () => {
  it('is current (run `npm run docs:generate` after changing a step or trigger schema)', () => {
    expect(readFileSync(DEFINITION_LANGUAGE_DOC, 'utf8')).toBe(renderDefinitionLanguage());
  });

  it('has a section for every step type, with its required fields', () => {
    const page = renderDefinitionLanguage();
    for (const type of STEP_TYPES) expect(page).toContain(`\n## ${type}\n`);
    expect(page).toMatch(/\| `onTimeout` \| .* \| yes \|/);
    expect(page).toMatch(/\| `connection` \| string \| yes \|/);
  });
});
