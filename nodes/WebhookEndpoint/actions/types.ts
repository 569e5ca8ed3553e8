import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { NodeManagement } from '../adminApiClient';

/** One operation on one input item; an array becomes one output item per element. */
export type Action = (
	ctx: IExecuteFunctions,
	management: NodeManagement,
	itemIndex: number,
) => Promise<IDataObject | IDataObject[]>;

/** Who made a change from this node, for the audit log: `n8n: workflow "<name>" (<id>), node "<name>"`. */
export function n8nActor(ctx: IExecuteFunctions): string {
	const workflow = ctx.getWorkflow();
	return `n8n: workflow "${workflow.name ?? ''}" (${workflow.id ?? '?'}), node "${ctx.getNode().name}"`;
}

/** Service answers are plain JSON data; n8n wants them typed as IDataObject. */
export function json<T extends object>(value: T): IDataObject {
	return value as unknown as IDataObject;
}

/** "Return All" / "Limit" applied to a full list. */
export function limited<T>(ctx: IExecuteFunctions, itemIndex: number, list: T[]): T[] {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) as boolean) return list;
	return list.slice(0, ctx.getNodeParameter('limit', itemIndex, 50) as number);
}
