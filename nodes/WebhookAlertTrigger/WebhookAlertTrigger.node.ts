import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { alertSnapshot, pollAlerts } from '../../src/alerts/poll';
import type { FigureSources } from '../../src/alerts/figures';
import { webhookGatewayApiTest } from '../shared/credentialTest';
import { CREDENTIAL_TYPE } from '../shared/credentials';
import { toNodeError } from '../shared/errors';
import { openGatewaySession } from '../shared/gatewaySession';
import { gatewayLogger } from '../shared/logger';
import { credentialDeclaration } from '../shared/options';
import { alertTriggerProperties } from './description';
import { rulesOf } from './rules';

const ALERT_TRIGGER_DESCRIPTION =
	'Fires when a webhook gateway rule holds (dead letters, full buffer, daily usage, silence, rejections, Redis) and again when it clears';

/**
 * Polls the gateway's figures on n8n's schedule ("Poll Times", every minute by default) and emits
 * one item per alert that starts or clears. Episode state lives in Redis, so a restart or a second
 * main does not fire an episode again. The node only wires parameters; src/alerts does the work.
 */
export class WebhookAlertTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Webhook Gateway Alert Trigger',
		name: 'webhookAlertTrigger',
		icon: {
			light: 'file:../../icons/webhookGateway.svg',
			dark: 'file:../../icons/webhookGateway.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		polling: true,
		subtitle: '={{ ($parameter["rules"]["rule"] || []).length + " rule(s)" }}',
		description: ALERT_TRIGGER_DESCRIPTION,
		defaults: { name: 'Webhook Gateway Alert Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDeclaration,
		properties: alertTriggerProperties,
	};

	methods = {
		credentialTest: { webhookGatewayApiTest },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const node = this.getNode();
		const manual = this.getMode() === 'manual';
		const doing = manual ? 'fetch the current alert state' : 'check the alert rules';
		let rules;
		try {
			rules = rulesOf(this.getNodeParameter('rules', {}));
		} catch (error) {
			throw new NodeOperationError(node, error as Error, {
				description: 'Check the "Rules" of the Webhook Gateway Alert Trigger.',
			});
		}
		const logger = gatewayLogger(this.logger);
		let session;
		try {
			session = await openGatewaySession(await this.getCredentials(CREDENTIAL_TYPE), logger, {
				serve: false,
			});
		} catch (error) {
			throw toNodeError(node, error, doing);
		}
		try {
			const src: FigureSources = {
				stores: session.client.stores,
				management: session.client.management,
				defaultCapacity: session.config.bufferMaxEvents,
				defaultMaxBytes: session.config.bufferMaxBytes,
				allowEviction: session.config.allowEviction,
			};
			if (manual)
				return [this.helpers.returnJsonArray((await alertSnapshot(src, rules)) as IDataObject[])];
			const triggerId = `${this.getWorkflow().id ?? 'unsaved'}:${node.id}`;
			const items = await pollAlerts(src, rules, triggerId);
			return items.length === 0
				? null
				: [this.helpers.returnJsonArray(items as unknown as IDataObject[])];
		} catch (error) {
			throw toNodeError(node, error, doing, { redis: session.redis });
		} finally {
			await session.close();
		}
	}
}
