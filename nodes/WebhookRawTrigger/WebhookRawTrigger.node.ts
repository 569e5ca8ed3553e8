import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';
import { RawConsumer } from '../../src/delivery/rawConsumer';
import { webhookGatewayApiTest } from '../shared/credentialTest';
import { emittingRunner } from '../shared/emit';
import { searchEndpoints } from '../shared/endpointLocator';
import { messageOf, toNodeError } from '../shared/errors';
import { bounded, CLOSE_TIMEOUT_MS } from '../shared/gatewaySession';
import type { ItemOptions } from '../shared/items';
import { readFilter } from '../shared/filters';
import { credentialDeclaration, readCommonOptions, reclaimLogFields } from '../shared/options';
import { ParameterReader } from '../shared/parameters';
import { subscriberMeta, watchSubscription } from '../shared/subscription';
import { manualResponse, openTrigger, subscriberIdOf } from '../shared/trigger';
import { TRIGGER_PANEL_HEADER } from '../shared/texts';
import { rawTriggerProperties } from './description';

const ACTIVATION_HINT =
	'Once you are happy with the test event, activate the workflow to run it for every event the endpoint accepts.';

export class WebhookRawTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Webhook Raw Trigger',
		name: 'webhookRawTrigger',
		icon: {
			light: 'file:../../icons/webhookGateway.svg',
			dark: 'file:../../icons/webhookGateway.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		// n8n resolves a resource locator parameter to its value (the endpoint id) in expressions.
		subtitle: '={{ "Endpoint " + $parameter["endpoint"] }}',
		description:
			'Starts one execution per webhook a gateway endpoint accepted, as soon as it arrives',
		defaults: { name: 'Webhook Raw Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDeclaration,
		triggerPanel: {
			header: TRIGGER_PANEL_HEADER,
			executionsHelp: {
				inactive:
					'“Execute step” shows the newest event the endpoint holds, or waits for the next one; it consumes nothing. Activate the workflow to start one execution per event as soon as it is accepted.',
				active:
					'This workflow is active: every accepted event starts an execution at once. An event is acknowledged when its execution succeeds; after “Max Attempts” failures it moves to the dead-letter list.',
			},
			activationHint: ACTIVATION_HINT,
		},
		properties: rawTriggerProperties,
	};

	methods = {
		listSearch: { searchEndpoints },
		credentialTest: { webhookGatewayApiTest },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const node = this.getNode();
		const parameters = new ParameterReader(this, rawTriggerProperties);
		const common = readCommonOptions(parameters);
		const items: ItemOptions = { output: 'perEvent', includeRawBody: common.includeRawBody };

		// Read before opening anything: an invalid filter fails activation with nothing to close.
		const filter = readFilter(this);
		if (this.getMode() === 'manual')
			return manualResponse(
				this,
				await openTrigger(this, 'listen for a test event'),
				items,
				filter,
			);

		const concurrency = parameters.number('options.maxConcurrency');
		const opened = await openTrigger(this, 'activate the Webhook Raw Trigger');
		const { session, endpoint, ref, logger } = opened;
		const subscriberId = subscriberIdOf(this);
		// Set once it runs; the watch stops it when the endpoint is deleted.
		const active: { consumer?: RawConsumer } = {};
		const watch = watchSubscription(this, opened, subscriberId, 'raw', () =>
			bounded(active.consumer?.stop() ?? Promise.resolve(), CLOSE_TIMEOUT_MS),
		);
		try {
			// An existing subscriber keeps its place, a dropped one resumes where it stopped (a gap is told).
			await session.client.stores.buffer.subscribe(
				ref,
				subscriberId,
				common.startFrom,
				subscriberMeta(this),
			);
		} catch (error) {
			watch.stop();
			await session.close();
			throw toNodeError(node, error, 'activate the Webhook Raw Trigger', {
				endpointId: endpoint.id,
				redis: session.redis,
			});
		}
		// Blocking reads need a connection of their own.
		const reader = session.client.stores.blockingBuffer();
		const consumer = new RawConsumer(
			{
				buffer: reader.buffer,
				endpoint: ref,
				subscriberId,
				concurrency,
				maxAttempts: common.maxAttempts,
				reclaimAfterMs: common.reclaimAfterMs,
				filter,
				logger,
			},
			emittingRunner(this, items, common.runTimeoutMs, () => watch.takeGap()),
		);
		active.consumer = consumer;
		consumer.start();
		logger.info(`Webhook Raw Trigger listening on ${endpoint.url}`, {
			endpoint: endpoint.id,
			subscriber: subscriberId,
			...reclaimLogFields(common),
		});

		let closed = false;
		const closeFunction = async () => {
			if (closed) return;
			closed = true;
			try {
				watch.stop();
				await Promise.all([bounded(consumer.stop(), CLOSE_TIMEOUT_MS), session.releaseGateway()]);
				// Executions still running acknowledge on the reader's connection: close it after them.
				void consumer.whenIdle().then(async () => {
					reader.close();
					await session.close();
				});
				logger.info(
					'Webhook Raw Trigger stopped; its events stay buffered until it is active again',
					{ endpoint: endpoint.id, subscriber: subscriberId },
				);
			} catch (error) {
				logger.warn('Webhook Raw Trigger: error while closing', {
					endpoint: endpoint.id,
					error: messageOf(error),
				});
			}
		};
		return { closeFunction };
	}
}
