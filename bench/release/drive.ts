/**
 * Drives one backlog size of the release benchmark: a fresh n8n with the package, the backlog
 * buffered, the Batch Trigger workflow activated, and the release followed until the stream is
 * empty and every execution is listed; then checks the executions and gathers the figures.
 */
import { ManagementService } from '../../src/management/service';
import { createStores, redisClientOf } from '../../src/redis';
import { triggerWorkflow, TRIGGER_NODE } from '../../test/e2e/fixtures/triggers';
import { startN8n, type N8nInstance } from '../../test/harness/n8n';
import { executionSummary, n8nChildPid } from '../n8n-targets';
import { BATCH, CONCURRENCY, log, SAMPLE_MS, sleep, type SizeResult } from './config';
import {
	idleBaselineKiB,
	memoryOf,
	mib,
	resetPeak,
	rssTimeline,
	sampleMemory,
	secondHalfSlopePer10k,
} from './measure';
import { bufferEvents } from './setup';

async function itemsOfExecution(n8n: N8nInstance, id: number): Promise<number> {
	const execution = (await n8n.api('GET', `/executions/${id}?includeData=true`)) as {
		data?: { resultData?: { runData?: Record<string, { data?: { main?: unknown[][] } }[]> } };
	};
	const runs = execution?.data?.resultData?.runData?.[TRIGGER_NODE];
	return runs?.[0]?.data?.main?.[0]?.length ?? 0;
}

/** One backlog size, from a fresh n8n to its figures; stops that n8n whatever happens. */
export async function runSize(
	n: number,
	tarball: string,
	redis: { url: string; port: number },
	deadline: number,
): Promise<SizeResult> {
	const endpointId = `release-${n}`;
	const prefix = 'wgw:';
	const stores = createStores(
		{ url: redis.url, name: 'bench-release', autoPipelining: true, offlineQueue: true },
		prefix,
	);
	const management = new ManagementService(stores, {
		publicUrl: 'http://127.0.0.1:1',
		defaultPlan: 'unlimited',
		defaultBufferCapacity: 100_000_000,
	});
	const streamKey = `${prefix}{a:bench}:stream:${endpointId}`;
	let n8n: N8nInstance | undefined;
	try {
		await management.setAccountPlan('bench', 'unlimited');
		const { endpoint } = await management.createEndpoint(
			{ id: endpointId, accountId: 'bench', auth: { type: 'hmac', preset: 'github' } },
			'bench',
		);

		log(`[${n}] starting a fresh n8n 2.41.1 with the package`);
		n8n = await startN8n({
			packageTarball: tarball,
			env: {
				WEBHOOK_GATEWAY_BUFFER_MAX_EVENTS: '100000000',
				WEBHOOK_GATEWAY_BUFFER_MAX_BYTES: '64gb',
			},
		});
		const pid = n8nChildPid();
		log(`[${n}] n8n pid ${pid} on ${n8n.url}`);

		log(`[${n}] buffering ${n} events (acceptEvent, ${CONCURRENCY} in flight)`);
		const bufferSeconds = await bufferEvents(stores, endpointId, endpoint.auth, n);
		const length = Number(await redisClientOf(stores).xlen(streamKey));
		if (length !== n) throw new Error(`the stream holds ${length} events after buffering ${n}`);
		const usedMemory = Number(
			/used_memory:(\d+)/.exec(await redisClientOf(stores).info('memory'))?.[1] ?? NaN,
		);
		log(
			`[${n}] buffered in ${bufferSeconds.toFixed(1)} s (${Math.round(n / bufferSeconds)} events/s); Redis uses ${mib(usedMemory / 1024)} MiB`,
		);

		const credentialName = 'Webhook Gateway (release bench)';
		const credential = await n8n.createCredential(credentialName, 'webhookGatewayApi', {
			connectionType: 'url',
			redisUrl: redis.url,
			keyPrefix: prefix,
			publicUrl: 'http://127.0.0.1:1',
		});
		const workflow = triggerWorkflow(`release ${n}`, {
			kind: 'batch',
			credential: { id: credential.id, name: credentialName },
			endpointId,
			parameters: {
				schedule: 'cron',
				cronExpression: '0 0 1 1 *',
				output: 'perEvent',
				options: { maxEventsPerExecution: BATCH, startFrom: 'oldest', releaseWhenWaiting: 1 },
			},
		});
		const { id: workflowId } = await n8n.createWorkflow(workflow);

		// Baseline with n8n idle, the workflow created but inactive.
		const baselineKiB = await idleBaselineKiB(pid);
		const reset = resetPeak(pid);

		const activatedAt = Date.now();
		const sampler = sampleMemory(pid, activatedAt, SAMPLE_MS);
		const { samples } = sampler;
		const expected = Math.ceil(n / BATCH);
		let summary: Awaited<ReturnType<typeof executionSummary>> | undefined;
		try {
			log(
				`[${n}] activating the Batch Trigger workflow (${BATCH} per execution); baseline VmRSS ${mib(baselineKiB)} MiB`,
			);
			await n8n.activate(workflowId);
			let lastLog = Date.now();
			for (;;) {
				const left = Number(await redisClientOf(stores).xlen(streamKey));
				if (left === 0) break;
				if (Date.now() > deadline) {
					throw new Error(
						`ABORTED: the release of ${n} events did not finish within the time limit (RELEASE_TIMEOUT_MIN): ${n - left} of ${n} acknowledged after ${Math.round((Date.now() - activatedAt) / 1000)} s`,
					);
				}
				try {
					process.kill(pid, 0);
				} catch {
					throw new Error(`n8n (pid ${pid}) exited during the release of ${n} events`);
				}
				if (Date.now() - lastLog >= 10_000) {
					lastLog = Date.now();
					const last = samples[samples.length - 1];
					log(
						`[${n}] ${n - left} of ${n} events acknowledged after ${Math.round((Date.now() - activatedAt) / 1000)} s; VmRSS ${last ? mib(last.rssKiB) : '?'} MiB`,
					);
				}
				await sleep(250);
			}
			// The last batch is acknowledged when its execution has finished; wait until n8n lists it.
			for (;;) {
				summary = await executionSummary(n8n, workflowId, 0);
				if (summary.finished >= expected) break;
				if (Date.now() > deadline)
					throw new Error(
						`ABORTED: ${summary.finished} of ${expected} executions listed as finished when the time limit was reached`,
					);
				await sleep(500);
			}
		} finally {
			sampler.stop();
		}
		const end = memoryOf(pid);
		await n8n.deactivate(workflowId).catch(() => undefined);

		if (!summary) throw new Error('no execution summary');
		const execs = summary.executions;
		if (execs.length !== expected)
			throw new Error(`${execs.length} executions for ${n} events, expected ${expected}`);
		const failed = execs.filter((e) => e.status !== 'success');
		if (failed.length > 0)
			throw new Error(
				`${failed.length} executions did not succeed: ${JSON.stringify(failed.slice(0, 3))}`,
			);
		const first = execs[0]!;
		const last = execs[execs.length - 1]!;
		const itemsFirst = await itemsOfExecution(n8n, first.id);
		const itemsLast = await itemsOfExecution(n8n, last.id);
		const expectLast = n - (expected - 1) * BATCH;
		if (itemsFirst !== Math.min(BATCH, n) || itemsLast !== expectLast) {
			throw new Error(
				`the first execution holds ${itemsFirst} items (expected ${Math.min(BATCH, n)}), the last ${itemsLast} (expected ${expectLast})`,
			);
		}
		const releaseSeconds = (last.stoppedAt! - first.startedAt!) / 1000;
		const peakKiB = Math.max(...samples.map((s) => s.rssKiB));
		const slopePer10k = secondHalfSlopePer10k(
			samples,
			first.startedAt! - activatedAt,
			last.stoppedAt! - activatedAt,
			n / releaseSeconds,
		);
		const result: SizeResult = {
			events: n,
			batch: BATCH,
			bufferSeconds: Math.round(bufferSeconds * 10) / 10,
			bufferEventsPerSecond: Math.round(n / bufferSeconds),
			redisUsedMemoryMiB: mib(usedMemory / 1024),
			executions: execs.length,
			itemsFirst,
			itemsLast,
			activationToFirstStartSeconds: Math.round((first.startedAt! - activatedAt) / 100) / 10,
			releaseSeconds: Math.round(releaseSeconds * 10) / 10,
			eventsPerSecond: Math.round(n / releaseSeconds),
			executionsPerSecond: Math.round((execs.length / releaseSeconds) * 100) / 100,
			memory: {
				baselineRssMiB: mib(baselineKiB),
				peakRssMiB: mib(peakKiB),
				hwmMiB: mib(end.hwmKiB),
				hwmSince: reset ? 'reset before activation' : 'n8n start',
				peakOverBaselineMiB: mib(Math.max(peakKiB, reset ? end.hwmKiB : 0) - baselineKiB),
				endRssMiB: mib(end.rssKiB),
				samples: samples.length,
				secondHalfSlopeMiBPer10kEvents: slopePer10k,
			},
			rssTimeline: rssTimeline(samples),
		};
		log(
			`[${n}] ${result.executions} executions in ${result.releaseSeconds} s: ${result.eventsPerSecond} events/s, ${result.executionsPerSecond} executions/s; ` +
				`VmRSS baseline ${result.memory.baselineRssMiB} MiB, peak ${result.memory.peakRssMiB} MiB (VmHWM ${result.memory.hwmMiB} MiB)`,
		);
		return result;
	} finally {
		await n8n?.stop().catch(() => undefined);
		await redisClientOf(stores)
			.del(streamKey)
			.catch(() => undefined);
		await stores.close().catch(() => undefined);
	}
}
