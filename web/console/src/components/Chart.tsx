/**
 * Accepted and rejected requests per hour as an inline SVG bar chart (no chart library). The
 * figure's accessible name states the totals and the current hour; each hour's group carries its
 * figures as data attributes and a tooltip.
 */
import type { HourStats } from '../types';
import { rejectedCount } from '../format';

const WIDTH = 720;
const HEIGHT = 180;
const PAD = { top: 10, right: 8, bottom: 24, left: 36 };

function hourLabel(iso: string): string {
	return `${iso.slice(11, 13)}:00`;
}

export function Chart({ hours, title }: { hours: HourStats[]; title: string }) {
	const rows = hours.map((h) => ({
		hour: h.hour,
		accepted: h.counts.accepted ?? 0,
		rejected: rejectedCount(h.counts),
	}));
	const max = Math.max(1, ...rows.map((r) => Math.max(r.accepted, r.rejected)));
	const plotW = WIDTH - PAD.left - PAD.right;
	const plotH = HEIGHT - PAD.top - PAD.bottom;
	const slot = plotW / Math.max(1, rows.length);
	const bar = Math.max(1, slot / 2 - 2);
	const y = (n: number) => PAD.top + plotH - (n / max) * plotH;
	const totalAccepted = rows.reduce((s, r) => s + r.accepted, 0);
	const totalRejected = rows.reduce((s, r) => s + r.rejected, 0);
	const current = rows[rows.length - 1] ?? { accepted: 0, rejected: 0 };
	const label = `${title}: ${totalAccepted} accepted, ${totalRejected} rejected in the last ${rows.length} hours; this hour: ${current.accepted} accepted, ${current.rejected} rejected`;

	return (
		<figure class="chart">
			<svg
				viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
				role="img"
				aria-label={label}
				data-accepted={totalAccepted}
				data-rejected={totalRejected}
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
				{rows.map((r, i) => {
					const x = PAD.left + i * slot + 1;
					const isCurrent = i === rows.length - 1;
					return (
						<g
							key={r.hour}
							class="hour"
							data-hour={r.hour}
							data-accepted={r.accepted}
							data-rejected={r.rejected}
							data-current={isCurrent ? 'true' : undefined}
						>
							<title>{`${hourLabel(r.hour)} UTC: ${r.accepted} accepted, ${r.rejected} rejected`}</title>
							<rect
								class="accepted"
								x={x}
								y={y(r.accepted)}
								width={bar}
								height={PAD.top + plotH - y(r.accepted)}
							/>
							<rect
								class="rejected"
								x={x + bar + 1}
								y={y(r.rejected)}
								width={bar}
								height={PAD.top + plotH - y(r.rejected)}
							/>
							{i % 6 === 0 || isCurrent ? (
								<text class="tick" x={x + bar} y={HEIGHT - 6} text-anchor="middle">
									{hourLabel(r.hour)}
								</text>
							) : null}
						</g>
					);
				})}
			</svg>
			<figcaption>
				{title} (hours in UTC). <span class="legend accepted">Accepted</span>{' '}
				<span class="legend rejected">Rejected</span>
			</figcaption>
		</figure>
	);
}
