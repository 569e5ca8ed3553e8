/** Loading admin API data into a component, with a reload and a refresh while the page is visible. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './api';

/** How often open pages reload their figures (ms). */
export const REFRESH_MS = 5000;

export interface Loaded<T> {
	data?: T;
	error?: string;
	reload(): Promise<void>;
}

/**
 * Runs `load` now, whenever `key` changes, every {@link REFRESH_MS} while the tab is visible, and
 * on `reload()`. An answer that arrives after a newer request started is dropped.
 */
export function useLoaded<T>(load: () => Promise<T>, key: string): Loaded<T> {
	const [data, setData] = useState<T>();
	const [error, setError] = useState<string>();
	const latest = useRef(0);
	const loader = useRef(load);
	loader.current = load;

	const reload = useCallback(async () => {
		const ticket = ++latest.current;
		try {
			const value = await loader.current();
			if (ticket !== latest.current) return;
			setData(value);
			setError(undefined);
		} catch (caught) {
			if (ticket === latest.current) setError(errorText(caught));
		}
	}, []);

	useEffect(() => {
		setData(undefined);
		void reload();
		const timer = setInterval(() => {
			if (document.visibilityState === 'visible') void reload();
		}, REFRESH_MS);
		return () => {
			clearInterval(timer);
			latest.current++;
		};
	}, [key, reload]);

	return { data, error, reload };
}
