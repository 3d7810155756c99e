#!/usr/bin/env node
/// <reference types="node" />
import { exitQuietlyOnBrokenPipe, processIo } from '@trainwire/cli-kit';
import { runMetricsCli } from './run-metrics-cli.js';

exitQuietlyOnBrokenPipe();
process.exitCode = await runMetricsCli(process.argv.slice(2), await processIo());
