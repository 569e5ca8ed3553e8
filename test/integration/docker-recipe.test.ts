/**
 * The container recipe without a container runtime (no image registry is reachable where the
 * tests run, so CI builds no image; docs/docker.md). What the Dockerfile's gateway stage does is
 * read from the Dockerfile itself and run on this machine: `npm pack`, its `npm install` line into
 * a temp dir (production dependencies only), its CMD with its ENV against a real redis-server,
 * its HEALTHCHECK command until it passes, then SIGTERM with a request in flight: the request is
 * answered and the process exits 0 well within the compose file's stop grace period. The compose
 * file and the Kubernetes manifests are parsed (js-yaml, already in node_modules) and checked for
 * what the docs promise; the compose env of the gateway must pass the gateway's config check.
 * Needs `npm run build` (npm pack packs dist/).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, loadN8nServeConfig } from '../../src/config';
import { ManagementService } from '../../src/management/service';
import { createStores } from '../../src/redis';
import { REPO_ROOT } from '../harness/gateway';
import { packPackage } from '../harness/n8n';
import { freePort } from '../harness/ports';
import { makeTempDir, run, runOrThrow, waitExit } from '../harness/processes';
import { startRedis, type RedisServer } from '../harness/redis';

const yaml = createRequire(__filename)('js-yaml') as {
	load(text: string): unknown;
	loadAll(text: string): unknown[];
};

interface Stage {
	name: string;
	/** Instructions of the stage, continuation lines joined: [keyword, rest]. */
	steps: [string, string][];
}

/** The Dockerfile's stages (`FROM ... AS name`), comments dropped, `\` continuations joined. */
function dockerStages(text: string): Stage[] {
	const logical = text
		.split('\n')
		.filter((line) => !/^\s*#/.test(line))
		.join('\n')
		.replace(/\\\n/g, ' ')
		.split('\n')
		.map((line) => line.trim())
		.filter(Boolean);
	const stages: Stage[] = [];
	for (const line of logical) {
		const [, keyword, rest] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
		if (keyword === 'FROM') stages.push({ name: /\bAS\s+(\S+)/i.exec(rest)?.[1] ?? '', steps: [] });
		else if (keyword && stages.length > 0) stages[stages.length - 1].steps.push([keyword, rest]);
	}
	return stages;
}

function step(stage: Stage, keyword: string): string {
	const found = stage.steps.filter(([k]) => k === keyword).map(([, rest]) => rest);
	assert.equal(found.length, 1, `one ${keyword} in stage ${stage.name}`);
	return found[0];
}

/** `K=V K2=V2` of an ENV instruction (values without spaces, as the Dockerfile writes them). */
function envOf(stage: Stage): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [k, rest] of stage.steps)
		if (k === 'ENV')
			for (const pair of rest.split(/\s+/))
				env[pair.split('=')[0]] = pair.slice(pair.indexOf('=') + 1);
	return env;
}

const DOCKERFILE = fs.readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
const STAGES = dockerStages(DOCKERFILE);
const COMPOSE = yaml.load(fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
	services: Record<string, any>;
};

/** Seconds of a compose duration such as "30s" or "1m30s". */
function seconds(duration: string): number {
	let total = 0;
	for (const [, n, unit] of duration.matchAll(/(\d+)(h|m|s)/g))
		total += Number(n) * { h: 3600, m: 60, s: 1 }[unit as 'h' | 'm' | 's'];
	return total;
}

/**
 * Runs a Dockerfile `npm install --prefix <dir> ... /pkg/webhook-gateway.tgz` line here, with the
 * folder and the tarball mapped to local paths.
 */
async function runInstallLine(
	words: string[],
	dockerDir: string,
	dir: string,
	tarball: string,
): Promise<void> {
	assert.deepEqual(words.slice(0, 2), ['npm', 'install']);
	const args = words
		.slice(1)
		.map((a) => (a === dockerDir ? dir : a === '/pkg/webhook-gateway.tgz' ? tarball : a));
	assert.ok(
		args.includes(tarball) && args.includes(dir),
		`the install line names ${dockerDir} and the tarball: ${words.join(' ')}`,
	);
	// prefer-offline only reuses npm's cache; the command is the Dockerfile's.
	await runOrThrow('npm', args, { env: { ...process.env, npm_config_prefer_offline: 'true' } });
}

describe('Dockerfile stages, run without a container', { timeout: 300_000 }, () => {
	const gateway = STAGES.find((s) => s.name === 'gateway');
	let redis: RedisServer;
	let app: string;
	let tarball: string;
	before(async () => {
		redis = await startRedis();
		app = path.join(makeTempDir('wgw-docker-recipe-'), 'app');
		tarball = await packPackage(REPO_ROOT);
	});
	after(async () => {
		await redis?.stop();
	});

	it("is the default target, runs as the image's unprivileged user, with exec-form CMD and HEALTHCHECK", () => {
		assert.ok(gateway, 'a stage named gateway');
		assert.equal(
			STAGES[STAGES.length - 1],
			gateway,
			'last stage: `docker build .` builds the gateway',
		);
		assert.equal(step(gateway, 'USER'), 'node');
		assert.equal(step(gateway, 'STOPSIGNAL'), 'SIGTERM');
		assert.ok(
			Array.isArray(JSON.parse(step(gateway, 'CMD'))),
			'exec form: node is PID 1 and gets SIGTERM itself',
		);
		assert.match(step(gateway, 'HEALTHCHECK'), /CMD \[.*\/readyz/);
	});

	it("the n8n stage's custom-nodes folder holds the nodes and the credential where n8n's custom loader looks", async () => {
		const build = STAGES.find((s) => s.name === 'build')!;
		const line = build.steps
			.filter(([k, r]) => k === 'RUN' && r.includes('/out/n8n-custom-nodes'))
			.map(([, r]) => r);
		assert.equal(line.length, 1, 'one RUN installs the custom-nodes folder');
		const folder = path.join(makeTempDir('wgw-docker-n8n-'), 'n8n-custom-nodes');
		await runInstallLine(line[0].split(/\s+/), '/out/n8n-custom-nodes', folder, tarball);
		assert.match(DOCKERFILE, /COPY --from=build \/out\/n8n-custom-nodes \/opt\/n8n-custom-nodes/);
		// n8n's CustomDirectoryLoader: every **/*.node.js and **/*.credentials.js below the folder.
		const found = (fs.readdirSync(folder, { recursive: true }) as string[])
			.filter((f) => /\.(node|credentials)\.js$/.test(f))
			.map((f) => path.basename(f))
			.sort();
		// Every node and credential package.json declares, and nothing else.
		const declared = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
			n8n: { nodes: string[]; credentials: string[] };
		};
		const expected = [...declared.n8n.nodes, ...declared.n8n.credentials]
			.map((f) => path.basename(f))
			.sort();
		assert.ok(expected.length >= 4);
		assert.deepEqual(found, expected);
		assert.equal(
			fs.existsSync(path.join(folder, 'node_modules', 'n8n-workflow')),
			false,
			"n8n-workflow is n8n's own (NODE_PATH)",
		);
	});

	it('installs only production dependencies from the packed package, then serves, passes its healthcheck and drains on SIGTERM', async () => {
		assert.ok(gateway);
		// RUN npm install --prefix /app ... /pkg/webhook-gateway.tgz && rm -r /pkg && npm cache clean ...
		const install = step(gateway, 'RUN').split('&&')[0].trim().split(/\s+/);
		await runInstallLine(install, '/app', app, tarball);
		const modules = path.join(app, 'node_modules');
		for (const needed of ['n8n-nodes-webhook-gateway', 'express', 'ioredis', 'zod'])
			assert.ok(fs.existsSync(path.join(modules, needed)), `${needed} installed`);
		for (const absent of ['typescript', 'n8n-workflow', 'eslint', 'tsx'])
			assert.equal(
				fs.existsSync(path.join(modules, absent)),
				false,
				`${absent} is not in the image`,
			);

		const cmd = (JSON.parse(step(gateway, 'CMD')) as string[]).map((a) =>
			a.replace(/^\/app\//, `${app}/`),
		);
		const healthcheck = JSON.parse(
			/CMD (\[.*\])$/.exec(step(gateway, 'HEALTHCHECK'))![1],
		) as string[];
		const port = await freePort();
		const env = {
			PATH: process.env.PATH ?? '',
			...envOf(gateway),
			// Loopback only here (the image listens on 0.0.0.0 inside its own network namespace).
			WEBHOOK_GATEWAY_HOST: '127.0.0.1',
			WEBHOOK_GATEWAY_PORT: String(port),
			WEBHOOK_GATEWAY_REDIS_URL: redis.url,
		};
		assert.equal(envOf(gateway).NODE_ENV, 'production');
		const node = (c: string) => (c === 'node' ? process.execPath : c);
		const child = spawn(node(cmd[0]), cmd.slice(1), {
			cwd: app,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr.on('data', (d: Buffer) => (output += d.toString()));
		try {
			// The HEALTHCHECK command, as Docker runs it, until it passes (start period 15 s, then retries).
			const deadline = Date.now() + 30_000;
			let healthy = false;
			while (!healthy && Date.now() < deadline && child.exitCode === null) {
				healthy = (await run(node(healthcheck[0]), healthcheck.slice(1), { env })).code === 0;
				if (!healthy) await new Promise((r) => setTimeout(r, 250));
			}
			assert.ok(healthy, `the healthcheck passed:\n${output}`);
			const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
			assert.equal(ready.status, 200);

			const stores = createStores(
				{ url: redis.url, name: 'docker-recipe', offlineQueue: true },
				'wgw:',
			);
			try {
				const management = new ManagementService(stores, {
					publicUrl: `http://127.0.0.1:${port}`,
					defaultPlan: 'unlimited',
					defaultBufferCapacity: 1000,
				});
				await management.setAccountPlan('default', 'unlimited');
				await management.createEndpoint({ id: 'docker-drain', auth: { type: 'none' } }, 'test');
			} finally {
				await stores.close();
			}
			// A request in flight when SIGTERM arrives: headers sent, body not yet.
			const body = JSON.stringify({ drained: true });
			const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
				const req = http.request(
					{
						host: '127.0.0.1',
						port,
						method: 'POST',
						path: '/hooks/docker-drain',
						headers: {
							'content-type': 'application/json',
							'content-length': Buffer.byteLength(body),
						},
					},
					(res) => {
						let text = '';
						res.on('data', (d: Buffer) => (text += d.toString()));
						res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
					},
				);
				req.on('error', reject);
				req.flushHeaders();
				// The body follows once the gateway has begun to stop (its log line), so the drain is what answers.
				const started = Date.now();
				const sendBodyWhenStopping = () => {
					if (/stopping webhook gateway/.test(output) || Date.now() - started > 10_000)
						req.end(body);
					else setTimeout(sendBodyWhenStopping, 20);
				};
				req.once('socket', (socket) =>
					socket.once('connect', () => {
						child.kill(step(gateway, 'STOPSIGNAL') as NodeJS.Signals);
						sendBodyWhenStopping();
					}),
				);
			});
			const stoppedAt = Date.now();
			const { status, text } = await answer;
			assert.equal(status, 202, `the request in flight is answered: ${text}`);
			const grace = seconds(String(COMPOSE.services.gateway.stop_grace_period)) * 1000;
			assert.ok(
				await waitExit(child, grace),
				`exited within the stop grace period (${grace} ms):\n${output}`,
			);
			assert.equal(child.exitCode, 0, `exit code 0 after SIGTERM:\n${output}`);
			assert.ok(Date.now() - stoppedAt < grace);
			assert.match(output, /stopping webhook gateway/);
		} finally {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		}
	});
});

describe('docker-compose.yml and the deploy manifests', () => {
	it('builds n8n and the gateway from stages of the Dockerfile; Redis with AOF and noeviction', () => {
		const { gateway, n8n, redis } = COMPOSE.services;
		assert.equal(gateway.build.target, 'gateway');
		assert.equal(n8n.build.target, 'n8n');
		assert.ok(
			STAGES.some((s) => s.name === 'n8n'),
			'a stage named n8n',
		);
		assert.match(
			STAGES.find((s) => s.name === 'n8n')!
				.steps.map(([k, r]) => `${k} ${r}`)
				.join('\n'),
			/ENV N8N_CUSTOM_EXTENSIONS=\/opt\/n8n-custom-nodes/,
		);
		assert.match(/FROM (\S+) AS n8n/.exec(DOCKERFILE)![1], /^n8nio\/n8n:/);
		const command = (redis.command as string[]).join(' ');
		assert.match(command, /--appendonly yes/);
		assert.match(command, /--maxmemory-policy noeviction/);
		assert.ok(
			seconds(String(gateway.stop_grace_period)) > 10,
			"longer than the gateway's 10 s drain",
		);
	});

	it("the gateway's compose environment passes the gateway's own config check; n8n's serve settings parse", () => {
		// ${NAME:-default} → default; ${NAME:?message} / ${NAME} → a value a user would put in .env.
		const resolve = (value: string) =>
			value.replace(
				/\$\{[A-Z0-9_]+(?::-([^}]*)|:\?[^}]*)?\}/g,
				(_m, fallback?: string) => fallback ?? 'x'.repeat(40),
			);
		const gatewayEnv = Object.fromEntries(
			Object.entries(COMPOSE.services.gateway.environment as Record<string, string>).map(
				([k, v]) => [k, resolve(String(v))],
			),
		);
		const config = loadConfig(gatewayEnv);
		assert.equal(config.redisUrl, 'redis://redis:6379');
		assert.equal(config.publicUrl, 'http://localhost:5680');
		// The commented alternative, as an admin would uncomment it.
		const text = fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
		const served = Object.fromEntries(
			[...text.matchAll(/#\s*(WEBHOOK_GATEWAY_N8N_\w+):\s*"?([^"\s]+)"?/g)].map(([, k, v]) => [
				k,
				v,
			]),
		);
		assert.deepEqual(loadN8nServeConfig(served), { serve: true, host: '0.0.0.0', port: 5680 });
		assert.match(text, /docs\/n8n-url\.md/);
	});

	it('Caddy routes /hooks and /console to the gateway and the rest to n8n', () => {
		const caddy = fs.readFileSync(path.join(REPO_ROOT, 'deploy', 'Caddyfile'), 'utf8');
		assert.match(caddy, /@gateway path \/hooks \/hooks\/\* \/console \/console\/\*/);
		assert.match(caddy, /handle @gateway \{\s*reverse_proxy gateway:5680\s*\}/);
		assert.match(caddy, /handle \{\s*reverse_proxy n8n:5678\s*\}/);
	});

	it('Kubernetes: stateless replicas, readiness on /readyz, settings from a Secret', () => {
		const docs = yaml.loadAll(
			fs.readFileSync(path.join(REPO_ROOT, 'deploy', 'kubernetes', 'gateway.yaml'), 'utf8'),
		) as any[];
		const deployment = docs.find((d) => d.kind === 'Deployment');
		const secret = docs.find((d) => d.kind === 'Secret');
		assert.ok(docs.some((d) => d.kind === 'Service'));
		assert.ok(deployment.spec.replicas >= 2);
		const container = deployment.spec.template.spec.containers[0];
		assert.equal(container.readinessProbe.httpGet.path, '/readyz');
		assert.equal(container.envFrom[0].secretRef.name, secret.metadata.name);
		assert.equal(container.ports[0].containerPort, 5680);
		assert.ok(deployment.spec.template.spec.terminationGracePeriodSeconds > 10);
		assert.equal(deployment.spec.template.spec.securityContext.runAsNonRoot, true);
		// The placeholders cannot be deployed by mistake: start-up stops naming both variables.
		assert.throws(
			() => loadConfig(secret.stringData),
			/WEBHOOK_GATEWAY_ADMIN_TOKEN[\s\S]*WEBHOOK_GATEWAY_ENCRYPTION_KEY/,
		);
		const filled = {
			...secret.stringData,
			WEBHOOK_GATEWAY_ADMIN_TOKEN: 'a'.repeat(64),
			WEBHOOK_GATEWAY_ENCRYPTION_KEY: 'k'.repeat(44),
		};
		assert.equal(
			loadConfig(filled).redisUrl,
			secret.stringData.WEBHOOK_GATEWAY_REDIS_URL,
			'the rest passes the config check',
		);
	});
});
