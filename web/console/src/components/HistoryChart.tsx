/**
 * Accepted and rejected requests per UTC day (the usage history, up to 36 days) as an inline SVG
 * bar chart, like the hourly chart. Each day's group carries its figures as data attributes and a
 * tooltip; the figure's accessible name states the totals.
 */
import type { DayUsage } from '../types';

const WIDTH = 720;
const HEIGHT = 160;
const PAD = { top: 10, right: 8, bottom: 24, left: 40 };

export function HistoryChart({ days, title }: { days: DayUsage[]; title: string }) {
	const max = Math.max(1, ...days.map((d) => Math.max(d.accepted, d.rejected)));
	const plotW = WIDTH - PAD.left - PAD.right;
	const plotH = HEIGHT - PAD.top - PAD.bottom;
	const slot = plotW / Math.max(1, days.length);
	const bar = Math.max(1, slot / 2 - 1);
	const y = (n: number) => PAD.top + plotH - (n / max) * plotH;
	const accepted = days.reduce((s, d) => s + d.accepted, 0);
	const rejected = days.reduce((s, d) => s + d.rejected, 0);
	const label = `${title}: ${accepted} accepted, ${rejected} rejected in the last ${days.length} days`;
	return (
		<figure class="chart">
			<svg
				viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
				role="img"
				aria-label={label}
				data-accepted={accepted}
				data-rejected={rejected}
				data-days={days.length}
			>
				<line
					class="axis"
					x1={PAD.left}
					x2={WIDTH - PAD.right}
					y1={PAD.top + plotH}
					y2={PAD.top + plotH}
				/>
				<text class="tick" x={PAD.left - 6} y={PAD.top + 8} text-anchor="end">
					{max}
				</text>
				<text class="tick" x={PAD.left - 6} y={PAD.top + plotH} text-anchor="end">
					0
				</text>
				{days.map((d, i) => {
					const x = PAD.left + i * slot + 1;
					return (
						<g
							key={d.date}
							class="day"
							data-date={d.date}
							data-accepted={d.accepted}
							data-rejected={d.rejected}
						>
							<title>{`${d.date}: ${d.accepted} accepted, ${d.rejected} rejected, ${d.duplicate} duplicates`}</title>
							<rect
								class="accepted"
								x={x}
								y={y(d.accepted)}
								width={bar}
								height={PAD.top + plotH - y(d.accepted)}
							/>
							<rect
								class="rejected"
								x={x + bar + 1}
								y={y(d.rejected)}
								width={bar}
								height={PAD.top + plotH - y(d.rejected)}
							/>
							{i % 7 === 0 || i === days.length - 1 ? (
								<text class="tick" x={x + bar} y={HEIGHT - 6} text-anchor="middle">
									{d.date.slice(5)}
								</text>
							) : null}
						</g>
					);
				})}
			</svg>
			<figcaption>
				{title} (UTC days). <span class="legend accepted">Accepted</span>{' '}
				<span class="legend rejected">Rejected</span>
			</figcaption>
		</figure>
	);
}
