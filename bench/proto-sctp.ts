/**
 * SCTP throughput between two of our associations in memory (no loss, zero delay, simulated
 * time): messages/s and MB/s of wall-clock CPU for small and large messages.
 */
import { SctpAssociation } from '../src/proto/sctp';

function run(size: number, count: number, ordered: boolean): void {
	let received = 0;
	let bytes = 0;
	const a = new SctpAssociation({ sendBufferSize: 64 << 20, heartbeatIntervalMs: 0, maxBurst: 16 });
	const b = new SctpAssociation({ role: 'server', heartbeatIntervalMs: 0, receiveBufferSize: 4 << 20, onMessage: (_s, _p, d) => ((received++), (bytes += d.length)) });
	let now = 0;
	const pump = (): boolean => {
		let moved = false;
		for (const p of a.pollOutgoing()) ((moved = true), b.handlePacket(p, now));
		for (const p of b.pollOutgoing()) ((moved = true), a.handlePacket(p, now));
		return moved;
	};
	a.connect(now);
	while (pump());
	const payload = Buffer.alloc(size, 7);
	const t0 = process.hrtime.bigint();
	let sent = 0;
	while (received < count) {
		while (sent < count && a.bufferedAmount < 4 << 20) {
			a.send(1, 53, payload, { ordered }, now);
			sent++;
		}
		if (!pump()) {
			now += 1;
			const t = Math.min(a.nextTimeoutMs() ?? Infinity, b.nextTimeoutMs() ?? Infinity);
			if (t <= now) {
				a.handleTimeout(now);
				b.handleTimeout(now);
			}
		}
	}
	const s = Number(process.hrtime.bigint() - t0) / 1e9;
	console.log(
		`${String(size).padStart(6)} B x ${String(count).padStart(6)} ${ordered ? 'ordered  ' : 'unordered'}: ` +
			`${Math.round(count / s).toLocaleString('en').padStart(9)} msg/s  ${(bytes / s / 1e6).toFixed(1).padStart(6)} MB/s  ` +
			`(${a.stats.dataChunksSent} DATA chunks, ${a.stats.packetsSent} packets, cwnd ${a.congestion.cwnd})`,
	);
}

run(100, 100_000, true);
run(100, 100_000, false);
run(1000, 50_000, true);
run(16 * 1024, 5_000, true);
run(256 * 1024, 200, true);
