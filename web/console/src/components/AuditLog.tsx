/**
 * The audit log (docs/admin-api.md#audit-log): who changed what and when, newest first, through
 * the admin API, this console, the CLI and the n8n node; filtered by actor, action and account,
 * and paged backwards by entry id.
 */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { useLoaded } from '../hooks';

/** Entries per page. */
export const AUDIT_PAGE_SIZE = 25;

interface Filter {
	actor: string;
	action: string;
	account: string;
}

const EMPTY: Filter = { actor: '', action: '', account: '' };

export function AuditLog() {
	const [draft, setDraft] = useState<Filter>(EMPTY);
	const [filter, setFilter] = useState<Filter>(EMPTY);
	// Cursors of the pages shown before this one (undefined: the newest page).
	const [cursors, setCursors] = useState<(string | undefined)[]>([]);
	const [before, setBefore] = useState<string>();
	const query = { count: AUDIT_PAGE_SIZE, before, ...filter };
	const { data: entries, error, reload } = useLoaded(() => api.audit(query), JSON.stringify(query));
	const forbidden = error !== undefined && /lacks the scope/.test(error);

	const apply = (event: Event) => {
		event.preventDefault();
		setFilter({
			actor: draft.actor.trim(),
			action: draft.action.trim(),
			account: draft.account.trim(),
		});
		setCursors([]);
		setBefore(undefined);
	};
	const older = () => {
		if (!entries || entries.length === 0) return;
		setCursors((now) => [...now, before]);
		setBefore(entries[entries.length - 1].id);
	};
	const newer = () => {
		setBefore(cursors[cursors.length - 1]);
		setCursors((now) => now.slice(0, -1));
	};
	const field = (name: keyof Filter, label: string, hint: string) => (
		<p class="field">
			<label for={`audit-${name}`}>{label}</label>
			<input
				id={`audit-${name}`}
				value={draft[name]}
				placeholder={hint}
				onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })}
			/>
		</p>
	);

	return (
		<main>
			<div class="toolbar">
				<h1>Audit log</h1>
				<button type="button" onClick={() => void reload()}>
					Refresh
				</button>
			</div>
			<p>
				Every successful change through the admin API, this console, the CLI and the Webhook
				Endpoint node. Bodies and secrets are never recorded.
			</p>
			<form class="inline" aria-label="Filter the audit log" onSubmit={apply}>
				{field('actor', 'Actor', 'e.g. n8n, token, console session, cli:')}
				{field('action', 'Action', 'e.g. DELETE, /plans/, an endpoint id')}
				{field('account', 'Account', 'an account id')}
				<p class="actions">
					<button type="submit">Apply filters</button>{' '}
					<button
						type="button"
						onClick={() => {
							setDraft(EMPTY);
							setFilter(EMPTY);
							setCursors([]);
							setBefore(undefined);
						}}
					>
						Clear
					</button>
				</p>
			</form>
			{forbidden && (
				<p role="alert">
					Reading the audit log needs admin rights, which this session does not have.
				</p>
			)}
			{error && !forbidden && (
				<p role="alert" class="error">
					{error}
				</p>
			)}
			{!entries && !error && <p>Loading…</p>}
			{entries && entries.length === 0 && (
				<p>{before ? 'No older entries.' : 'No changes recorded that match.'}</p>
			)}
			{entries && entries.length > 0 && (
				<div class="table-wrap">
					<table>
						<caption>
							Changes, newest first{cursors.length > 0 ? ` (page ${cursors.length + 1})` : ''}
						</caption>
						<thead>
							<tr>
								<th scope="col">When</th>
								<th scope="col">Who</th>
								<th scope="col">What</th>
								<th scope="col">Account</th>
								<th scope="col">Status</th>
							</tr>
						</thead>
						<tbody>
							{entries.map((entry) => (
								<tr key={entry.id} data-audit={entry.id}>
									<td title={entry.at}>{new Date(entry.at).toLocaleString()}</td>
									<td>{entry.who}</td>
									<th scope="row">
										<code>{entry.action}</code>
									</th>
									<td>{entry.accountId ?? '—'}</td>
									<td>{entry.status === 0 ? '—' : entry.status}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			<nav aria-label="Audit log pages" class="actions">
				<button type="button" disabled={cursors.length === 0} onClick={newer}>
					Newer
				</button>{' '}
				<button
					type="button"
					disabled={!entries || entries.length < AUDIT_PAGE_SIZE}
					onClick={older}
				>
					Older
				</button>
			</nav>
		</main>
	);
}
