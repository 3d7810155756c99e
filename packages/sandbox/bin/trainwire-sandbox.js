#!/usr/bin/env node
// Committed and executable, so `npx trainwire-sandbox` finds this package right after `npm ci`, built or not.
import { runBuilt } from '@trainwire/cli-kit/run-built';

await runBuilt(import.meta.url, 'dist/cli.js', 'trainwire-sandbox');
