// Accessibility checks with axe-core: a page passes when axe finds nothing
// serious or critical on it (minor and moderate findings are printed but do
// not fail, so a check fails for what keeps people from using the page).

import { expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

const FAILING = new Set(['serious', 'critical']);

/** What axe found on the page, one line per rule with the elements it names. */
function describe(violations) {
  return violations
    .map((v) => {
      const targets = v.nodes.map((node) => `    ${node.target.join(' ')}`).join('\n');
      return `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${targets}`;
    })
    .join('\n');
}

/** Fails the test, naming `where`, when the page has a serious or critical violation. */
export async function expectAccessible(page, where) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const failing = violations.filter((v) => FAILING.has(v.impact));
  const other = violations.filter((v) => !FAILING.has(v.impact));
  if (other.length > 0) console.log(`${where}: minor findings\n${describe(other)}`);
  expect(failing, `${where}: accessibility violations\n${describe(failing)}`).toEqual([]);
}
