/**
 * The published tarball (docs/package.md): `npm pack` of the built package holds what runs and
 * nothing else (no source maps, declarations, build info or a copy of package.json under dist/),
 * every file package.json names, the console, the Lua scripts, LICENSE and CHANGELOG; the CLI of
 * the unpacked tarball prints the version of its package.json. Needs `npm run build` first.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { makeTempDir, runOrThrow } from '../harness/processes';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	version: string;
	license: string;
	repository?: { url: string };
	bugs?: { url: string };
	bin: Record<string, string>;
	n8n: { strict: boolean; nodes: string[]; credentials: string[] };
};

describe('the npm package', () => {
	let files: string[] = [];

	before(async () => {
		assert.ok(
			fs.existsSync(path.join(ROOT, pkg.n8n.nodes[0]!)),
			'dist/ is missing: run `npm run build` first',
		);
		const stdout = await runOrThrow('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: ROOT,
		});
		files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
	});

	it('holds no build leftovers', () => {
		const leftovers = files.filter(
			(f) => /\.(map|tsbuildinfo)$|\.d\.ts$/.test(f) || f === 'dist/package.json',
		);
		assert.deepEqual(leftovers, []);
		assert.deepEqual(
			files.filter(
				(f) =>
					!/^(dist|bin)\/|^(index\.js|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(f),
			),
			[],
		);
	});

	it('holds every file that runs', () => {
		const lua = fs
			.readdirSync(path.join(ROOT, 'src', 'redis', 'scripts'))
			.filter((f) => f.endsWith('.lua'));
		assert.ok(lua.length > 0);
		const needed = [
			...pkg.n8n.nodes,
			...pkg.n8n.credentials,
			...Object.values(pkg.bin).map((f) => path.normalize(f)),
			...lua.map((f) => `dist/src/redis/scripts/${f}`),
			'index.js',
			'dist/console/index.html',
			'dist/src/runtime/gatewayWorker.js',
			'LICENSE',
			'CHANGELOG.md',
			'README.md',
		];
		assert.deepEqual(
			needed.filter((f) => !files.includes(f)),
			[],
		);
		assert.ok(
			files.some((f) => /^dist\/console\/assets\/.+\.js$/.test(f)),
			'the console script is packed',
		);
	});

	it('packs every icon a node or credential names, where n8n resolves it (next to the compiled file)', () => {
		const named: string[] = [];
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
			const icons = [...text.matchAll(/'file:([^']+)'/g)].map((m) =>
				path.posix.join(path.posix.dirname(file), m[1]!),
			);
			assert.ok(icons.length >= 2, `${file} names a light and a dark icon`);
			named.push(...icons);
		}
		assert.deepEqual(
			[...new Set(named)].filter((f) => !files.includes(f)),
			[],
		);
		// One shared icon for everything but the Webhook Endpoint node, which has its own.
		assert.deepEqual(files.filter((f) => f.endsWith('.svg')).sort(), [
			'dist/icons/webhookGateway.dark.svg',
			'dist/icons/webhookGateway.svg',
			'dist/nodes/WebhookEndpoint/webhookEndpoint.dark.svg',
			'dist/nodes/WebhookEndpoint/webhookEndpoint.svg',
		]);
	});

	it('describes itself as n8n and npm expect', () => {
		assert.equal(pkg.license, 'MIT');
		assert.match(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'), /^MIT License/);
		assert.match(pkg.repository?.url ?? '', /^git\+https:\/\/github\.com\/.+\.git$/);
		assert.match(pkg.bugs?.url ?? '', /^https:\/\/github\.com\/.+\/issues$/);
		// The lint configuration is customised (eslint.config.mjs), so not "strict".
		assert.equal(pkg.n8n.strict, false);
		assert.match(
			fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8'),
			new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\]`, 'm'),
		);
	});

	it('the unpacked CLI prints its package.json version', async () => {
		const dir = makeTempDir('wgw-pack-');
		const stdout = await runOrThrow(
			'npm',
			['pack', '--json', '--ignore-scripts', '--pack-destination', dir],
			{ cwd: ROOT },
		);
		const tarball = path.join(dir, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
		const unpacked = path.join(dir, 'package');
		await runOrThrow('tar', ['-xzf', tarball, '-C', dir]);
		// A version no build has seen: the CLI must read it at run time, not have it compiled in.
		const packed = JSON.parse(
			fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'),
		) as Record<string, unknown>;
		fs.writeFileSync(
			path.join(unpacked, 'package.json'),
			JSON.stringify({ ...packed, version: '9.8.7-test' }),
		);
		const printed = await runOrThrow(
			process.execPath,
			[path.join(unpacked, 'bin', 'webhook-gateway.js'), '--version'],
			{
				env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
			},
		);
		assert.equal(printed.trim(), '9.8.7-test');
	});
});
