#!/usr/bin/env node
// Committed and executable, so `npx middleman` finds this package's CLI right after `npm ci`, built or not.
import { runBuilt } from '@trainwire/cli-kit/run-built';

await runBuilt(import.meta.url, 'dist/cli/main.js', 'middleman');
