// The browser consumer, bundled by esbuild for smoke/browser.mjs: it reads the target from the page's
// `#target` element, runs the same smoke test as the command-line consumer, and publishes the results
// on `window.smokeResults` and in the page.
import { formatStep, runSmokeTest, type SmokeTarget, summaryLine } from './smoke-test.js';
import type { StepResult } from './steps.js';

declare global {
  interface Window {
    smokeResults?: { results: StepResult[]; summary: string; userAgent: string };
  }
}

const target = JSON.parse(document.getElementById('target')?.textContent ?? '{}') as SmokeTarget;
const report = document.getElementById('report');
const results = await runSmokeTest(
  target,
  (result) => {
    if (report) report.textContent += `${formatStep(result)}\n`;
  },
  { browser: true },
);
const summary = summaryLine(results);
if (report) report.textContent += `${summary}\n`;
window.smokeResults = { results, summary, userAgent: navigator.userAgent };
