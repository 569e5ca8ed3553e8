/**
 * The example workflows in examples/ work: each is imported into a real n8n 2.41.1 (with this
 * package installed from its npm tarball) through the public API the way a user would after
 * setting the credential placeholder, activated, fed correctly signed sample events through the
 * embedded gateway (GitHub X-Hub-Signature-256, Stripe-Signature, Slack v0 signature on a form
 * body), and its executions must succeed with the expected aggregates in the summary nodes.
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../harness/gateway';
import { startGatewayN8n, type GatewayN8n } from './fixtures/context';
import { awayFromTick, PACKAGE, TICK_CRON } from './fixtures/triggers';

const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const CREDENTIAL_PLACEHOLDER = 'REPLACE_WITH_CREDENTIAL_ID';
const ENDPOINTS = {
	github: { id: 'github-pushes', auth: { type: 'hmac', preset: 'github' } },
	stripe: { id: 'stripe-payments', auth: { type: 'hmac', preset: 'stripe' } },
	slack: { id: 'slack-commands', auth: { type: 'hmac', preset: 'slack' } },
} as const;

interface ExampleWorkflow {
	name: string;
	nodes: {
		id: string;
		name: string;
		type: string;
		parameters: Record<string, any>;
		credentials?: Record<string, { id: string; name: string }>;
	}[];
	connections: Record<string, unknown>;
	settings: Record<string, unknown>;
}

function readExample(file: string): ExampleWorkflow {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as ExampleWorkflow;
}

const triggerOf = (wf: ExampleWorkflow) => {
	const trigger = wf.nodes.find((n) => n.type.startsWith(`${PACKAGE}.`));
	assert.ok(trigger, `${wf.name} has a trigger of this package`);
	return trigger;
};

/** The JSON items a node emitted in an execution. */
function output(execution: any, node: string): any[] {
	const runs = execution?.data?.resultData?.runData?.[node];
	assert.ok(Array.isArray(runs) && runs.length > 0, `execution ${execution?.id} ran "${node}"`);
	return (runs[0].data?.main?.[0] ?? []).map((item: any) => item.json);
}

const hmacHex = (secret: string, data: string) =>
	createHmac('sha256', secret).update(data).digest('hex');

async function post(
	url: string,
	body: string,
	headers: Record<string, string>,
): Promise<{ status: number; body: any }> {
	const res = await fetch(url, {
		method: 'POST',
		headers,
		body,
		signal: AbortSignal.timeout(10_000),
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('example workflows', () => {
	it('are importable JSON using the installed node types, with the documented placeholders', () => {
		const expected: Record<string, { type: string; endpoint: string }> = {
			'github-hourly-digest.json': { type: 'webhookBatchTrigger', endpoint: ENDPOINTS.github.id },
			'stripe-daily-summary.json': { type: 'webhookBatchTrigger', endpoint: ENDPOINTS.stripe.id },
			'slack-command-raw.json': { type: 'webhookRawTrigger', endpoint: ENDPOINTS.slack.id },
		};
		const readme = fs.readFileSync(path.join(EXAMPLES_DIR, 'README.md'), 'utf8');
		for (const [file, want] of Object.entries(expected)) {
			const wf = readExample(file);
			assert.ok(
				wf.name && Array.isArray(wf.nodes) && wf.connections && wf.settings,
				`${file}: name, nodes, connections, settings`,
			);
			const trigger = triggerOf(wf);
			assert.equal(trigger.type, `${PACKAGE}.${want.type}`, file);
			assert.deepEqual(
				trigger.parameters.endpoint,
				{ __rl: true, mode: 'id', value: want.endpoint },
				`${file}: endpoint placeholder`,
			);
			assert.equal(
				trigger.credentials?.webhookGatewayApi?.id,
				CREDENTIAL_PLACEHOLDER,
				`${file}: credential placeholder`,
			);
			for (const [from, links] of Object.entries(wf.connections)) {
				assert.ok(
					wf.nodes.some((n) => n.name === from),
					`${file}: connection from a node that exists (${from})`,
				);
				for (const link of (links as { main: { node: string }[][] }).main.flat()) {
					assert.ok(
						wf.nodes.some((n) => n.name === link.node),
						`${file}: connection to a node that exists (${link.node})`,
					);
				}
			}
			assert.ok(
				readme.includes(file) && readme.includes(want.endpoint),
				`examples/README.md explains ${file}`,
			);
		}
		assert.ok(readme.includes(CREDENTIAL_PLACEHOLDER));
		const stripe = triggerOf(readExample('stripe-daily-summary.json')).parameters;
		assert.deepEqual(
			[stripe.schedule, stripe.triggerAtHour, stripe.triggerAtMinute],
			['everyDay', 8, 0],
			'Stripe: every day at 08:00',
		);
		assert.equal(
			triggerOf(readExample('github-hourly-digest.json')).parameters.schedule,
			'everyHour',
			'GitHub: every hour',
		);
	});
});

describe(
	'example workflows imported into a real n8n run on sample events',
	{ timeout: 300_000 },
	() => {
		let g: GatewayN8n;
		const secrets: Record<string, string> = {};
		const workflowIds: Record<string, string> = {};
		const hook = (endpointId: string) => `${g.hooks}/hooks/${endpointId}`;

		/**
		 * Imports an example as a user would after setting the credential (public API), activates it and
		 * waits until its trigger listens. For the test, a Batch Trigger's schedule (hourly, daily at 08:00)
		 * is replaced by a cron with seconds, TICK_CRON = every 10 s, so that a release happens within the test.
		 */
		async function importAndActivate(file: string): Promise<string> {
			const text = fs
				.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')
				.replaceAll(CREDENTIAL_PLACEHOLDER, g.credential.id);
			const wf = JSON.parse(text) as ExampleWorkflow;
			const trigger = triggerOf(wf);
			trigger.credentials = { webhookGatewayApi: { id: g.credential.id, name: g.credential.name } };
			if (trigger.type === `${PACKAGE}.webhookBatchTrigger`) {
				trigger.parameters = { ...trigger.parameters, schedule: 'cron', cronExpression: TICK_CRON };
			}
			const { id } = await g.n8n.createWorkflow({
				name: wf.name,
				nodes: wf.nodes,
				connections: wf.connections,
				settings: wf.settings,
			});
			await g.n8n.activate(id);
			await g.waitForLog('listening on', `${id}:${trigger.id}`, 1);
			return id;
		}

		/** The one finished execution of a workflow; fails if the events were split or it did not succeed. */
		async function onlyExecution(workflowId: string): Promise<any> {
			const [execution, ...more] = await g.n8n.waitForExecutions(workflowId, 1, 60_000);
			assert.equal(more.length, 0, 'one execution holds the whole batch');
			assert.equal(
				execution.status,
				'success',
				JSON.stringify(execution.data?.resultData?.error ?? null),
			);
			return execution;
		}

		before(async () => {
			g = await startGatewayN8n();
			for (const e of Object.values(ENDPOINTS)) {
				const { secret } = await g.endpoint(e.id, { auth: e.auth });
				assert.ok(secret, `${e.id} has a secret`);
				secrets[e.id] = secret;
			}
			workflowIds.github = await importAndActivate('github-hourly-digest.json');
			workflowIds.stripe = await importAndActivate('stripe-daily-summary.json');
			workflowIds.slack = await importAndActivate('slack-command-raw.json');
		});
		after(async () => {
			await g?.close('examples e2e');
		});

		it('GitHub hourly digest: one execution per release, pushes and commits counted per repository', async () => {
			const pushes = [
				{ repo: 'acme/api', commits: 2, pusher: 'ada', ref: 'refs/heads/main' },
				{ repo: 'acme/web', commits: 1, pusher: 'grace', ref: 'refs/heads/main' },
				{ repo: 'acme/api', commits: 1, pusher: 'linus', ref: 'refs/heads/main' },
				{ repo: 'acme/api', commits: 3, pusher: 'ada', ref: 'refs/heads/feature/x' },
				{ repo: 'acme/web', commits: 1, pusher: 'grace', ref: 'refs/heads/main' },
			];
			const github = async (event: string, payload: unknown) => {
				const body = JSON.stringify(payload);
				const answer = await post(hook(ENDPOINTS.github.id), body, {
					'content-type': 'application/json',
					'x-github-event': event,
					'x-github-delivery': randomUUID(),
					'x-hub-signature-256': `sha256=${hmacHex(secrets[ENDPOINTS.github.id], body)}`,
				});
				assert.equal(answer.status, 202, JSON.stringify(answer.body));
			};
			await awayFromTick();
			for (const p of pushes) {
				await github('push', {
					ref: p.ref,
					repository: { full_name: p.repo },
					pusher: { name: p.pusher },
					commits: Array.from({ length: p.commits }, (_, i) => ({
						id: randomUUID(),
						message: `change ${i + 1}`,
					})),
				});
			}
			await github('ping', { zen: 'Keep it logically awesome.', hook_id: 1 }); // not a push: ignored by the digest
			const unsigned = await post(hook(ENDPOINTS.github.id), '{}', {
				'content-type': 'application/json',
				'x-github-event': 'push',
			});
			assert.equal(unsigned.status, 403, 'an unsigned request is refused');

			const execution = await onlyExecution(workflowIds.github);
			assert.equal(
				output(execution, 'Every hour: GitHub pushes').length,
				6,
				'the batch holds the 6 accepted events',
			);
			assert.deepEqual(output(execution, 'Pushes per repository'), [
				{
					repository: 'acme/api',
					pushes: 3,
					commits: 6,
					pushers: ['ada', 'linus'],
					branches: ['main', 'feature/x'],
				},
				{ repository: 'acme/web', pushes: 2, commits: 2, pushers: ['grace'], branches: ['main'] },
			]);
			const [digest] = output(execution, 'Digest message');
			assert.equal(digest.subject, 'GitHub: 5 push(es) to 2 repositories in the last hour');
			assert.deepEqual([digest.repositories, digest.pushes, digest.commits], [2, 5, 8]);
			assert.match(
				digest.text,
				/^• acme\/api: 3 push\(es\), 6 commit\(s\) by ada, linus \(main, feature\/x\)$/m,
			);
			assert.equal(output(execution, 'Send digest (Slack or email)').length, 1);
		});

		it('Stripe daily summary: succeeded payments summed per currency, a payment counted once, redeliveries dropped', async () => {
			const stripe = async (payload: { id: string }) => {
				const body = JSON.stringify({
					object: 'event',
					livemode: false,
					created: Math.floor(Date.now() / 1000),
					...payload,
				});
				const t = Math.floor(Date.now() / 1000);
				return await post(hook(ENDPOINTS.stripe.id), body, {
					'content-type': 'application/json; charset=utf-8',
					'stripe-signature': `t=${t},v1=${hmacHex(secrets[ENDPOINTS.stripe.id], `${t}.${body}`)}`,
				});
			};
			const events = [
				{
					id: 'evt_1',
					type: 'payment_intent.succeeded',
					data: {
						object: {
							id: 'pi_1',
							object: 'payment_intent',
							amount: 2000,
							amount_received: 2000,
							currency: 'usd',
						},
					},
				},
				// The charge of pi_1: the same money, counted once.
				{
					id: 'evt_2',
					type: 'charge.succeeded',
					data: {
						object: {
							id: 'ch_1',
							object: 'charge',
							payment_intent: 'pi_1',
							amount: 2000,
							amount_captured: 2000,
							currency: 'usd',
						},
					},
				},
				{
					id: 'evt_3',
					type: 'payment_intent.succeeded',
					data: {
						object: {
							id: 'pi_2',
							object: 'payment_intent',
							amount: 4999,
							amount_received: 4999,
							currency: 'usd',
						},
					},
				},
				{
					id: 'evt_4',
					type: 'charge.succeeded',
					data: {
						object: {
							id: 'ch_2',
							object: 'charge',
							payment_intent: null,
							amount: 1500,
							amount_captured: 1500,
							currency: 'eur',
						},
					},
				},
				{
					id: 'evt_5',
					type: 'payment_intent.payment_failed',
					data: { object: { id: 'pi_3', object: 'payment_intent', amount: 999, currency: 'usd' } },
				},
				{
					id: 'evt_6',
					type: 'payment_intent.succeeded',
					data: {
						object: {
							id: 'pi_4',
							object: 'payment_intent',
							amount: 1200,
							amount_received: 1200,
							currency: 'jpy',
						},
					},
				},
			];
			await awayFromTick();
			for (const event of events) {
				const answer = await stripe(event);
				assert.equal(answer.status, 202, `${event.id}: ${JSON.stringify(answer.body)}`);
			}
			const again = await stripe(events[0]);
			assert.equal(again.status, 200, 'a redelivery (same event id) is a duplicate');
			assert.equal(again.body.status, 'duplicate');

			const execution = await onlyExecution(workflowIds.stripe);
			assert.equal(output(execution, 'Every day at 08:00: Stripe events').length, events.length);
			assert.deepEqual(output(execution, 'Totals per currency'), [
				{ currency: 'EUR', payments: 1, amountMinor: 1500, decimals: 2, amount: 15 },
				{ currency: 'JPY', payments: 1, amountMinor: 1200, decimals: 0, amount: 1200 },
				{ currency: 'USD', payments: 2, amountMinor: 6999, decimals: 2, amount: 69.99 },
			]);
			const [summary] = output(execution, 'Summary message');
			assert.deepEqual([summary.currencies, summary.payments], [3, 4]);
			assert.equal(
				summary.text,
				'• EUR 15.00 from 1 payment(s)\n• JPY 1200 from 1 payment(s)\n• USD 69.99 from 2 payment(s)',
			);
		});

		it('Slack slash command: one execution per command, the form body parsed', async () => {
			const commands = [
				{ user_name: 'ada', user_id: 'U01', text: 'api production --force' },
				{ user_name: 'linus', user_id: 'U02', text: '  web   staging ' },
			];
			for (const c of commands) {
				const body = new URLSearchParams({
					token: 'deprecated-verification-token',
					team_id: 'T0001',
					team_domain: 'acme',
					channel_id: 'C0001',
					channel_name: 'ops',
					user_id: c.user_id,
					user_name: c.user_name,
					command: '/deploy',
					text: c.text,
					api_app_id: 'A0001',
					response_url: `https://hooks.slack.com/commands/T0001/${c.user_id}/abc`,
					trigger_id: `${c.user_id}.trigger`,
				}).toString();
				const t = String(Math.floor(Date.now() / 1000));
				const answer = await post(hook(ENDPOINTS.slack.id), body, {
					'content-type': 'application/x-www-form-urlencoded',
					'x-slack-request-timestamp': t,
					'x-slack-signature': `v0=${hmacHex(secrets[ENDPOINTS.slack.id], `v0:${t}:${body}`)}`,
				});
				assert.equal(answer.status, 202, JSON.stringify(answer.body));
			}
			const stale = String(Math.floor(Date.now() / 1000) - 3600);
			const replayed = await post(hook(ENDPOINTS.slack.id), 'command=%2Fdeploy', {
				'content-type': 'application/x-www-form-urlencoded',
				'x-slack-request-timestamp': stale,
				'x-slack-signature': `v0=${hmacHex(secrets[ENDPOINTS.slack.id], `v0:${stale}:command=%2Fdeploy`)}`,
			});
			assert.equal(replayed.status, 403, 'a request signed an hour ago is refused');

			const executions = await g.n8n.waitForExecutions(workflowIds.slack, commands.length, 30_000);
			assert.equal(executions.length, commands.length, 'one execution per command');
			const parsed = executions.map((e) => {
				assert.equal(e.status, 'success');
				const items = output(e, 'Parse slash command');
				assert.equal(items.length, 1);
				return items[0];
			});
			parsed.sort((a, b) => String(a.user).localeCompare(String(b.user)));
			assert.deepEqual(parsed, [
				{
					command: '/deploy',
					text: 'api production --force',
					args: ['api', 'production', '--force'],
					user: 'ada',
					userId: 'U01',
					channel: 'ops',
					team: 'acme',
					responseUrl: 'https://hooks.slack.com/commands/T0001/U01/abc',
					reply: { response_type: 'ephemeral', text: 'On it, ada: /deploy api production --force' },
				},
				{
					command: '/deploy',
					text: 'web   staging',
					args: ['web', 'staging'],
					user: 'linus',
					userId: 'U02',
					channel: 'ops',
					team: 'acme',
					responseUrl: 'https://hooks.slack.com/commands/T0001/U02/abc',
					reply: { response_type: 'ephemeral', text: 'On it, linus: /deploy web   staging' },
				},
			]);
			for (const e of executions) assert.equal(output(e, 'Reply to response_url').length, 1);
		});
	},
);
