/**
 * The README's "run it" command works: scripts/demo.ts (what scripts/demo.sh runs after its
 * installs) starts Redis, n8n with the package and the embedded gateway, sends the sample events
 * and sees the first scheduled release hold the five accepted ones. Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../harness/gateway';

describe('the demo command', () => {
	it(
		'runs Redis, n8n and the gateway, and the first release holds the 5 accepted sample events',
		{ timeout: 300_000 },
		async () => {
			const child = spawn(
				process.execPath,
				['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'demo.ts')],
				{
					cwd: REPO_ROOT,
					env: {
						...process.env,
						DEMO_EXIT_AFTER_RELEASE: '1',
						DEMO_N8N_PORT: '0',
						DEMO_GATEWAY_PORT: '0',
					},
					stdio: ['ignore', 'pipe', 'pipe'],
				},
			);
			let out = '';
			child.stdout.on('data', (d: Buffer) => (out += d.toString()));
			child.stderr.on('data', () => undefined);
			const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
			assert.equal(code, 0, out.slice(-3000));
			assert.equal((out.match(/signed push \d: 202 /g) ?? []).length, 5, out);
			assert.match(out, /a 6th at once .*: 429 .*rate_limited/);
			assert.match(out, /an unsigned one: 403 /);
			assert.match(out, /endpoint URL {2}http:\/\/127\.0\.0\.1:\d+\/hooks\/demo-github/);
			assert.match(out, /first release: execution \S+ \(success\) with 5 events/);
		},
	);
});
