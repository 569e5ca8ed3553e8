/**
 * The console's entry: asks the gateway whether the console is enabled and signed in, then shows
 * the sign-in form or the page named by the location hash (#/, #/new, #/endpoints/<id>, #/tokens,
 * #/audit).
 */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, errorText, setUnauthorizedHandler } from './api';
import { AuditLog } from './components/AuditLog';
import { CreateEndpoint } from './components/CreateEndpoint';
import { EndpointDetail } from './components/EndpointDetail';
import { EndpointList } from './components/EndpointList';
import { Login } from './components/Login';
import { Tokens } from './components/Tokens';
import './styles.css';

type Phase =
	| { kind: 'loading' }
	| { kind: 'disabled' }
	| { kind: 'signedOut'; notice?: string }
	| { kind: 'signedIn' }
	| { kind: 'failed'; message: string };

function useHash(): string {
	const [hash, setHash] = useState(location.hash);
	useEffect(() => {
		const update = () => setHash(location.hash);
		addEventListener('hashchange', update);
		return () => removeEventListener('hashchange', update);
	}, []);
	return hash;
}

function Page({ hash }: { hash: string }) {
	if (hash === '#/new') return <CreateEndpoint />;
	if (hash === '#/tokens') return <Tokens />;
	if (hash === '#/audit') return <AuditLog />;
	const match = /^#\/endpoints\/([^/]+)$/.exec(hash);
	if (match) {
		const id = decodeURIComponent(match[1]);
		return <EndpointDetail key={id} id={id} />;
	}
	return <EndpointList />;
}

function App() {
	const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
	const hash = useHash();

	const check = useCallback(async () => {
		try {
			const session = await api.session();
			setPhase(
				!session.configured
					? { kind: 'disabled' }
					: session.signedIn
						? { kind: 'signedIn' }
						: { kind: 'signedOut' },
			);
		} catch (caught) {
			setPhase({ kind: 'failed', message: errorText(caught) });
		}
	}, []);

	useEffect(() => {
		setUnauthorizedHandler(() =>
			setPhase({
				kind: 'signedOut',
				notice:
					'Your session has ended (it lasts 8 hours, and changing the admin token ends it). Sign in again.',
			}),
		);
		void check();
	}, [check]);

	const signOut = async () => {
		await api.signOut().catch(() => undefined);
		setPhase({ kind: 'signedOut', notice: 'Signed out.' });
	};

	switch (phase.kind) {
		case 'loading':
			return <p>Loading…</p>;
		case 'failed':
			return (
				<main>
					<h1>Webhook Gateway console</h1>
					<p role="alert" class="error">
						The gateway did not answer: {phase.message}
					</p>
				</main>
			);
		case 'disabled':
			return (
				<main class="login">
					<h1>Webhook Gateway console</h1>
					<p role="alert">
						The console is disabled because the gateway has no admin token. Set{' '}
						<code>WEBHOOK_GATEWAY_ADMIN_TOKEN</code> (at least 32 characters) and restart the
						gateway.
					</p>
				</main>
			);
		case 'signedOut':
			return <Login notice={phase.notice} onSignedIn={() => setPhase({ kind: 'signedIn' })} />;
		case 'signedIn':
			return (
				<>
					<header class="top">
						<a href="#/" class="brand">
							Webhook Gateway
						</a>
						<nav aria-label="Main">
							<a href="#/">Endpoints</a>
							<a href="#/new">New endpoint</a>
							<a href="#/tokens">Tokens</a>
							<a href="#/audit">Audit log</a>
						</nav>
						<button type="button" onClick={() => void signOut()}>
							Sign out
						</button>
					</header>
					<Page hash={hash} />
				</>
			);
	}
}

render(<App />, document.getElementById('app') as HTMLElement);
