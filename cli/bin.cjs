#!/usr/bin/env node
// `npx meshgraph ...`: runs the TypeScript CLI through tsx.
require('tsx/cjs/api').register();
require('./main.ts');
