/**
 * A mock n8n trigger context, the way n8n unit-tests its own triggers (`testTriggerNode` in
 * packages/nodes-base/test/nodes/TriggerHelpers.ts): the node's `trigger()` runs with parameters,
 * a credential, a mode and a time zone it is given, and what it emits, reports and logs is
 * recorded. Only n8n is mocked: the credential points at a real redis-server (test/harness/redis.ts).
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IRun,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';

export interface TriggerTestOptions {
	mode?: 'manual' | 'trigger';
	/** The node's parameters; a missing one gives the node's fallback, as n8n does. */
	parameters: IDataObject;
	credential: ICredentialDataDecryptedObject;
	timezone?: string;
	workflowId?: string;
	nodeId?: string;
}

export interface LogLine {
	level: 'debug' | 'info' | 'warn' | 'error';
	message: string;
}

export interface TriggerTest {
	/** What trigger() returned (throws what trigger() threw). */
	response: ITriggerResponse;
	/** Every `emit` call's data, in order; the runs they start succeed at once. */
	emitted: INodeExecutionData[][][];
	/** Every `emitError` call. */
	errors: Error[];
	logs: LogLine[];
}

/** Reads `name` or `a.b` from the parameters; `{ extractValue }` unwraps a resource locator. */
function parameterOf(
	parameters: IDataObject,
	name: string,
	fallback: unknown,
	extractValue: boolean,
): unknown {
	let value: unknown = parameters;
	for (const part of name.split('.'))
		value = value && typeof value === 'object' ? (value as IDataObject)[part] : undefined;
	if (value === undefined) return fallback;
	if (extractValue && value && typeof value === 'object' && '__rl' in value)
		return (value as unknown as { value: unknown }).value;
	return value;
}

/** Runs `trigger()` of `Node` in a mock context. */
export async function testTriggerNode(
	Node: new () => INodeType,
	options: TriggerTestOptions,
): Promise<TriggerTest> {
	const node = new Node();
	if (!node.trigger) throw new Error(`${node.description.name} has no trigger()`);
	const emitted: INodeExecutionData[][][] = [];
	const errors: Error[] = [];
	const logs: LogLine[] = [];
	const log = (level: LogLine['level']) => (message: string) => void logs.push({ level, message });
	const nodeData = {
		id: options.nodeId ?? 'node-1',
		name: node.description.defaults.name ?? node.description.displayName,
		type: `n8n-nodes-webhook-gateway.${node.description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
	} as INode;
	const context = {
		getNode: () => nodeData,
		getMode: () => options.mode ?? 'trigger',
		getActivationMode: () => 'activate',
		getTimezone: () => options.timezone ?? 'UTC',
		getWorkflow: () => ({
			id: options.workflowId ?? 'wf-1',
			name: 'Unit test',
			active: options.mode !== 'manual',
		}),
		getCredentials: async () => options.credential,
		getNodeParameter: (name: string, fallback?: unknown, opts?: { extractValue?: boolean }) =>
			parameterOf(options.parameters, name, fallback, opts?.extractValue === true),
		logger: {
			debug: log('debug'),
			info: log('info'),
			warn: log('warn'),
			error: log('error'),
			verbose: log('debug'),
		},
		emit: (
			data: INodeExecutionData[][],
			_responsePromise?: unknown,
			done?: { resolve(run: IRun): void },
		) => {
			emitted.push(data);
			done?.resolve({
				finished: true,
				status: 'success',
				data: { resultData: { runData: {} } },
			} as unknown as IRun);
		},
		emitError: (error: Error) => void errors.push(error),
		helpers: {
			createDeferredPromise: <T>() => {
				let resolve!: (value: T) => void;
				let reject!: (error: Error) => void;
				const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
				return { promise, resolve, reject };
			},
			prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string) => ({
				data: data.toString('base64'),
				fileName,
				mimeType: mimeType ?? 'application/octet-stream',
			}),
		},
	} as unknown as ITriggerFunctions;
	const response = await node.trigger.call(context);
	if (!response) throw new Error(`${node.description.name}: trigger() returned nothing`);
	return { response, emitted, errors, logs };
}
