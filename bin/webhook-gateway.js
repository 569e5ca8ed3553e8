#!/usr/bin/env node
'use strict';
// Entry of the `webhook-gateway` CLI; the implementation lives in dist/src/cli.
require('../dist/src/cli/main.js')
	.main(process.argv)
	.catch((error) => {
		console.error(error instanceof Error ? error.message : String(error));
		process.exitCode = 1;
	});
