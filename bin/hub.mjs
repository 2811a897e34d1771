#!/usr/bin/env node
// The `hub` command. TypeScript runs through tsx so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

// The AWS SDK warns once per process about SDK releases after January 2027 needing Node 22; the
// lockfile pins a release that supports Node 20, so the warning is noise in every log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../src/bin/hub.ts');
