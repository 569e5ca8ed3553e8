/**
 * A private npm registry for install tests: verdaccio 6.8.0 (installed once into the cache outside
 * the clone by scripts/ensure-verdaccio.sh), started on a free loopback port with its own temp
 * config and storage, stopped by pid.
 *
 * Packages named in `localPackages` are served only from this registry (published by the test, never
 * looked up upstream); every other package is proxied to `uplink` (by default the registry npm is
 * configured with), so that `npm install` of a published package finds its runtime dependencies.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './ports';
import {
	groupProcess,
	installExitHooks,
	logBuffer,
	makeTempDir,
	run,
	runOrThrow,
} from './processes';

export const VERDACCIO_VERSION = '6.8.0';

export interface Verdaccio {
	/** http://127.0.0.1:<port> (no trailing slash) */
	url: string;
	/** Where verdaccio fetches packages it does not hold itself. */
	uplink: string;
	/** Publishes an `npm pack` tarball as the registry's user; returns `name@version`. */
	publish(tarball: string): Promise<string>;
	/** The versions the registry holds for a package (its packument), newest `latest` tag. */
	versions(name: string): Promise<{ versions: string[]; latest?: string }>;
	logs(): string;
	stop(): Promise<void>;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

let ensured: Promise<string> | undefined;

/** Installs verdaccio into the cache when missing (once); returns its cache dir. */
export async function ensureVerdaccio(): Promise<string> {
	ensured ??= (async () => {
		const script = path.join(REPO_ROOT, 'scripts', 'ensure-verdaccio.sh');
		const result = await run('bash', [script], {
			env: { ...process.env, VERDACCIO_VERSION },
			streamStderr: true,
		});
		const dir = result.stdout.trim().split('\n').pop()?.trim() ?? '';
		if (
			result.code !== 0 ||
			!dir ||
			!fs.existsSync(path.join(dir, 'node_modules', 'verdaccio', 'bin', 'verdaccio'))
		) {
			throw new Error(
				`scripts/ensure-verdaccio.sh failed (exit ${result.code}); stdout:\n${result.stdout}`,
			);
		}
		return dir;
	})();
	ensured.catch(() => (ensured = undefined));
	return await ensured;
}

/** The registry npm is configured with on this machine (the uplink by default). */
async function npmRegistry(): Promise<string> {
	const configured = (await runOrThrow('npm', ['config', 'get', 'registry'])).trim();
	return configured || 'https://registry.npmjs.org/';
}

export async function startVerdaccio(options: {
	localPackages: string[];
	uplink?: string;
}): Promise<Verdaccio> {
	const cacheDir = await ensureVerdaccio();
	installExitHooks();
	const dir = makeTempDir('wgw-verdaccio-');
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const uplink = options.uplink ?? process.env.E2E_NPM_UPLINK ?? (await npmRegistry());
	const local = options.localPackages
		.map(
			(name) =>
				`  '${name}':\n    access: $all\n    publish: $authenticated\n    unpublish: $authenticated\n`,
		)
		.join('');
	fs.writeFileSync(
		path.join(dir, 'config.yaml'),
		[
			`storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
			'auth:',
			'  htpasswd:',
			`    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
			'    max_users: 10',
			'uplinks:',
			'  upstream:',
			`    url: ${JSON.stringify(uplink)}`,
			'    timeout: 60s',
			'    max_fails: 5',
			'packages:',
			local.trimEnd(),
			"  '**':",
			'    access: $all',
			'    publish: $authenticated',
			'    proxy: upstream',
			'web:',
			'  enable: false',
			'log: { type: stdout, format: pretty, level: info }',
			'',
		].join('\n'),
	);
	const log = logBuffer();
	const proc = groupProcess({
		name: 'verdaccio',
		description: `verdaccio on ${url} (folder ${dir})`,
		command: process.execPath,
		args: [
			path.join(cacheDir, 'node_modules', 'verdaccio', 'bin', 'verdaccio'),
			'--config',
			path.join(dir, 'config.yaml'),
			'--listen',
			`127.0.0.1:${port}`,
		],
		cwd: dir,
		env: { ...process.env },
		log,
		// Logged at level info once the server listens.
		readyLine: 'http address',
		readinessUrl: `${url}/-/ping`,
		startupTimeoutMs: 60_000,
		stopGraceMs: 5_000,
	});
	await proc.start();

	// A user, as `npm adduser` creates one; the answer's token authorizes publishing.
	const user = { name: 'harness', password: 'harness-publish-1' };
	const response = await fetch(`${url}/-/user/org.couchdb.user:${user.name}`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ ...user, type: 'user', roles: [], date: new Date().toISOString() }),
	});
	const created = (await response.json()) as { token?: string };
	if (!response.ok || !created.token) {
		await proc.stop();
		throw new Error(
			`verdaccio did not create a user: ${response.status} ${JSON.stringify(created)}`,
		);
	}
	// A private npm config for publishing: nothing from the caller's npm config is written to.
	const npmrc = path.join(dir, 'npmrc');
	fs.writeFileSync(npmrc, `registry=${url}/\n//127.0.0.1:${port}/:_authToken=${created.token}\n`);

	return {
		url,
		uplink,
		async publish(tarball) {
			const manifest = JSON.parse(
				await runOrThrow('tar', ['-xzOf', tarball, 'package/package.json']),
			) as { name: string; version: string };
			await runOrThrow(
				'npm',
				[
					'publish',
					path.resolve(tarball),
					'--userconfig',
					npmrc,
					'--registry',
					`${url}/`,
					'--tag',
					'latest',
					'--provenance=false',
					'--loglevel=error',
				],
				{
					cwd: dir,
				},
			);
			return `${manifest.name}@${manifest.version}`;
		},
		async versions(name) {
			const answer = await fetch(`${url}/${encodeURIComponent(name)}`, {
				headers: { accept: 'application/json' },
			});
			if (answer.status === 404) return { versions: [] };
			const packument = (await answer.json()) as {
				versions?: Record<string, unknown>;
				'dist-tags'?: { latest?: string };
			};
			return {
				versions: Object.keys(packument.versions ?? {}),
				latest: packument['dist-tags']?.latest,
			};
		},
		logs: log.text,
		stop: () => proc.stop(),
	};
}
