/**
 * Proves harness/n8n.ts against a real n8n 2.41.1, with n8n's own nodes and with a tiny
 * community package installed from a tarball (the way our package will be loaded).
 * The two tests run at the same time, which also proves two n8n instances can run side by side.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
	ensureN8n,
	packPackage,
	startN8n,
	webhookWorkflow,
	type N8nInstance,
} from '../harness/n8n';

const instances: N8nInstance[] = [];

after(async () => {
	await Promise.all(instances.map((n8n) => n8n.stop()));
});

/** POSTs JSON to a production webhook; retries briefly while n8n has not registered it yet. */
async function postWebhook(n8n: N8nInstance, webhookPath: string, body: unknown): Promise<void> {
	const deadline = Date.now() + 15_000;
	for (;;) {
		const response = await fetch(`${n8n.url}/webhook/${webhookPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(30_000),
		});
		const text = await response.text();
		if (response.ok) return;
		if (response.status !== 404 || Date.now() > deadline) {
			assert.fail(
				`POST /webhook/${webhookPath} -> ${response.status}: ${text}\n${n8n.logs().slice(-4000)}`,
			);
		}
		await new Promise((r) => setTimeout(r, 250));
	}
}

function nodeOutput(execution: any, nodeName: string): any[] {
	const runs = execution?.data?.resultData?.runData?.[nodeName];
	assert.ok(
		Array.isArray(runs) && runs.length > 0,
		`execution ${execution?.id} has no run of ${nodeName}`,
	);
	return (runs[0].data?.main?.[0] ?? []).map((item: any) => item.json);
}

function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}

describe('n8n test harness', { concurrency: true, timeout: 240_000 }, () => {
	before(async () => {
		await ensureN8n(); // minutes on a fresh machine, instant afterwards
	});

	it(
		'runs n8n’s own Webhook node, and keeps data across a restart',
		{ timeout: 200_000 },
		async () => {
			let t0 = Date.now();
			const n8n = await startN8n();
			instances.push(n8n);
			const firstStart = Date.now() - t0;

			const webhookPath = `harness-${randomUUID()}`;
			const { id } = await n8n.createWorkflow(webhookWorkflow(webhookPath));
			await n8n.activate(id);

			const bodies = [1, 2, 3].map((n) => ({ n, text: `hello ${n}` }));
			for (const body of bodies) await postWebhook(n8n, webhookPath, body);
			const three = await n8n.waitForExecutions(id, 3, 30_000);
			assert.equal(three.length, 3);
			for (const execution of three) assert.equal(execution.status, 'success');
			assert.deepEqual(
				three.map((e) => nodeOutput(e, 'Webhook')[0].body),
				bodies,
				'each execution carries the posted body, oldest first',
			);
			assert.deepEqual(nodeOutput(three[0], 'NoOp')[0].body, bodies[0]);

			await n8n.stop();
			await n8n.stop(); // idempotent
			t0 = Date.now();
			await n8n.start();
			const restart = Date.now() - t0;

			const workflow = await n8n.api('GET', `/workflows/${id}`);
			assert.equal(workflow.active, true, 'still active after the restart');
			await postWebhook(n8n, webhookPath, { n: 4 });
			const four = await n8n.waitForExecutions(id, 4, 30_000);
			assert.equal(four.length, 4);
			assert.deepEqual(nodeOutput(four[3], 'Webhook')[0].body, { n: 4 });
			// the internal REST API works with the new session too
			const me = await n8n.rest('GET', '/login'); // the signed-in user; needs the session cookie
			assert.equal(me.data.email, 'owner@harness.test');

			await n8n.deactivate(id);
			assert.equal((await n8n.api('GET', `/workflows/${id}`)).active, false);
			await n8n.stop();
			console.log(`[n8n-harness] first start ${seconds(firstStart)}, restart ${seconds(restart)}`);
		},
	);

	it('loads a community package installed from a tarball', { timeout: 200_000 }, async () => {
		const packageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wgw-probe-'));
		try {
			fs.mkdirSync(path.join(packageDir, 'dist'));
			fs.writeFileSync(
				path.join(packageDir, 'package.json'),
				JSON.stringify(
					{
						name: 'n8n-nodes-harness-probe',
						version: '0.0.1',
						description: 'test probe',
						keywords: ['n8n-community-node-package'],
						license: 'MIT',
						main: 'index.js',
						files: ['dist', 'index.js'],
						n8n: { n8nNodesApiVersion: 1, nodes: ['dist/Probe.node.js'], credentials: [] },
					},
					null,
					2,
				),
			);
			fs.writeFileSync(path.join(packageDir, 'index.js'), 'module.exports = {};\n');
			fs.writeFileSync(
				path.join(packageDir, 'dist', 'Probe.node.js'),
				`'use strict';
class Probe {
	constructor() {
		this.description = {
			displayName: 'Harness Probe',
			name: 'probe',
			group: ['transform'],
			version: 1,
			description: 'Outputs {probe: true}',
			defaults: { name: 'Probe' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		};
	}
	async execute() {
		const items = this.getInputData();
		return [items.map((item) => ({ json: { probe: true, body: item.json.body } }))];
	}
}
module.exports = { Probe };
`,
			);
			const tarball = await packPackage(packageDir);

			const t0 = Date.now();
			const n8n = await startN8n({ packageTarball: tarball });
			instances.push(n8n);
			const startMs = Date.now() - t0;
			assert.ok(
				fs.existsSync(
					path.join(
						n8n.userFolder,
						'.n8n',
						'nodes',
						'node_modules',
						'n8n-nodes-harness-probe',
						'dist',
						'Probe.node.js',
					),
				),
			);
			assert.doesNotMatch(n8n.logs(), /Skipping package/);

			const webhookPath = `probe-${randomUUID()}`;
			const base = webhookWorkflow(webhookPath);
			const webhookNode = base.nodes[0] as Record<string, unknown>;
			const { id } = await n8n.createWorkflow({
				name: 'probe',
				nodes: [
					webhookNode,
					{
						id: randomUUID(),
						name: 'Probe',
						type: 'n8n-nodes-harness-probe.probe',
						typeVersion: 1,
						position: [220, 0],
						parameters: {},
					},
				],
				connections: { Webhook: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
			});
			await n8n.activate(id);
			await postWebhook(n8n, webhookPath, { hello: 'probe' });
			const [execution] = await n8n.waitForExecutions(id, 1, 30_000);
			assert.equal(
				execution.status,
				'success',
				JSON.stringify(execution.data?.resultData?.error ?? null),
			);
			assert.deepEqual(nodeOutput(execution, 'Probe'), [{ probe: true, body: { hello: 'probe' } }]);
			await n8n.stop();
			console.log(`[n8n-harness] start with a community package ${seconds(startMs)}`);
		} finally {
			fs.rmSync(packageDir, { recursive: true, force: true });
		}
	});
});
