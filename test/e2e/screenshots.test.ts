/**
 * The README's screenshots are taken by a script in the repo with a real browser:
 * scripts/screenshots.ts (Redis + n8n with the package + the embedded gateway, then chromium
 * through playwright-core) writes the PNGs scripts/screenshots/pictures.ts lists into a temp
 * folder here. Each must be a PNG of the viewport (1440×900) and not blank. Needs `npm run build` and /usr/bin/chromium.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../harness/gateway';
import { SCREENSHOT_NAMES, VIEWPORT } from '../../scripts/screenshots/pictures';

const RUN_TIMEOUT_MS = 240_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk (which must come first). */
function pngSize(file: string): { width: number; height: number } {
	const head = Buffer.alloc(24);
	const fd = fs.openSync(file, 'r');
	try {
		fs.readSync(fd, head, 0, 24, 0);
	} finally {
		fs.closeSync(fd);
	}
	assert.ok(
		head.subarray(0, 8).equals(PNG_SIGNATURE),
		`${path.basename(file)} has the PNG signature`,
	);
	assert.equal(
		head.subarray(12, 16).toString('latin1'),
		'IHDR',
		`${path.basename(file)} starts with IHDR`,
	);
	return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

describe('the screenshot script', () => {
	const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wgw-screenshots-'));
	let code: number | null = null;
	let output = '';

	before(
		async () => {
			// On SIGTERM the script stops its n8n and Redis itself (by pid); SIGKILL only if it hangs.
			const child = spawn(
				process.execPath,
				['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'screenshots.ts'), outDir],
				{
					cwd: REPO_ROOT,
					env: { ...process.env, SCREENSHOTS_HOLD: '' },
					stdio: ['ignore', 'pipe', 'pipe'],
				},
			);
			child.stdout.on('data', (d: Buffer) => (output += d.toString()));
			child.stderr.on('data', (d: Buffer) => (output += d.toString()));
			const timer = setTimeout(() => {
				output += `\n[test] the script ran longer than ${RUN_TIMEOUT_MS} ms: SIGTERM\n`;
				child.kill('SIGTERM');
				setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
			}, RUN_TIMEOUT_MS);
			code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
			clearTimeout(timer);
		},
		{ timeout: RUN_TIMEOUT_MS + 30_000 },
	);

	after(() => fs.rmSync(outDir, { recursive: true, force: true }));

	it('runs to the end', () => {
		assert.equal(code, 0, output.slice(-4000));
		assert.match(output, /\[screenshots\] done: /);
	});

	for (const name of SCREENSHOT_NAMES) {
		it(`writes ${name}.png: a 1440×900 PNG that is not blank`, () => {
			const file = path.join(outDir, `${name}.png`);
			assert.ok(fs.existsSync(file), `${name}.png was written\n${output.slice(-2000)}`);
			assert.deepEqual(pngSize(file), VIEWPORT);
			const bytes = fs.statSync(file).size;
			// A blank or nearly blank 1440×900 page compresses to a few KB; these hold text and icons.
			assert.ok(bytes > 20 * 1024, `${name}.png is ${bytes} bytes: blank?`);
			assert.ok(bytes < 400 * 1024, `${name}.png is ${bytes} bytes: keep the images small`);
		});
	}

	it('takes the console from the embedded gateway in n8n (no fallback)', () => {
		assert.doesNotMatch(
			output,
			/WARNING: the embedded gateway's console/,
			'the gateway inside n8n must serve /console',
		);
	});
});
