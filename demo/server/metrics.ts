/**
 * /metrics in Prometheus text format (prom-client). Each scrape takes a fresh
 * snapshot: object counts from the server's state, bytes and packets from
 * broth's getStats() of the objects open now, CPU and memory from
 * worker.getResourceUsage(). Byte/packet figures are gauges summed over open
 * objects (they drop when a transport closes), hence no _total suffix.
 */
import * as client from 'prom-client';
import type { types } from '../../src';
import type { Room } from './Room';

export type MetricsSource = {
	workers: () => types.Worker[];
	rooms: () => Room[];
};

export class Metrics {
	readonly registry = new client.Registry();
	readonly #source: MetricsSource;
	readonly #g: Record<string, client.Gauge<string>>;
	readonly contentType = client.Registry.PROMETHEUS_CONTENT_TYPE;

	constructor(source: MetricsSource) {
		this.#source = source;
		client.collectDefaultMetrics({ register: this.registry, prefix: 'broth_demo_' });
		const gauge = (name: string, help: string, labelNames: string[] = []): client.Gauge<string> =>
			new client.Gauge({ name, help, labelNames, registers: [this.registry] });
		this.#g = {
			workers: gauge('broth_workers', 'Media worker processes running'),
			routers: gauge('broth_routers', 'Routers (one per room)'),
			rooms: gauge('broth_demo_rooms', 'Rooms open'),
			peers: gauge('broth_demo_peers', 'Peers connected, by state', ['state']),
			transports: gauge('broth_transports', 'WebRTC transports open'),
			producers: gauge('broth_producers', 'Producers open, by kind', ['kind']),
			consumers: gauge('broth_consumers', 'Consumers open, by kind', ['kind']),
			bytesIn: gauge('broth_transport_bytes_received', 'Bytes received, summed over open transports'),
			bytesOut: gauge('broth_transport_bytes_sent', 'Bytes sent, summed over open transports'),
			packetsIn: gauge('broth_rtp_packets_received', 'RTP packets received, summed over open producers'),
			packetsOut: gauge('broth_rtp_packets_sent', 'RTP packets sent, summed over open consumers'),
			cpu: gauge('broth_worker_cpu_seconds', 'Worker CPU time (getResourceUsage ru_utime/ru_stime)', ['pid', 'mode']),
			rss: gauge('broth_worker_max_rss_bytes', 'Worker peak resident memory (getResourceUsage ru_maxrss)', ['pid']),
		};
	}

	async render(): Promise<string> {
		const g = this.#g;
		const workers = this.#source.workers().filter((w) => !w.closed);
		const rooms = this.#source.rooms().filter((r) => !r.closed);
		const transports: types.WebRtcTransport[] = [];
		const producers: types.Producer[] = [];
		const consumers: types.Consumer[] = [];
		let joined = 0;
		let waiting = 0;
		for (const room of rooms) {
			for (const peer of room.peers.values()) {
				if (peer.joined) joined++;
				else waiting++;
				transports.push(...peer.transports.values());
				producers.push(...peer.producers.values());
				consumers.push(...peer.consumers.values());
			}
		}
		// Counts first, before any await, so they describe one instant.
		for (const m of Object.values(g)) m.reset();
		g.workers.set(workers.length);
		g.routers.set(rooms.length);
		g.rooms.set(rooms.length);
		g.peers.set({ state: 'joined' }, joined);
		g.peers.set({ state: 'connected' }, waiting);
		g.transports.set(transports.length);
		for (const kind of ['audio', 'video']) {
			g.producers.set({ kind }, producers.filter((p) => p.kind === kind).length);
			g.consumers.set({ kind }, consumers.filter((c) => c.kind === kind).length);
		}

		// An object may close while we ask: skip it.
		const safe = async <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);
		const [tStats, pStats, cStats, usage] = await Promise.all([
			Promise.all(transports.map((t) => safe(t.getStats()))),
			Promise.all(producers.map((p) => safe(p.getStats()))),
			Promise.all(consumers.map((c) => safe(c.getStats()))),
			Promise.all(workers.map((w) => safe(w.getResourceUsage()))),
		]);
		let bytesIn = 0;
		let bytesOut = 0;
		for (const s of tStats) for (const x of s ?? []) {
			bytesIn += x.bytesReceived;
			bytesOut += x.bytesSent;
		}
		let packetsIn = 0;
		for (const s of pStats) for (const x of s ?? []) if (x.type === 'inbound-rtp') packetsIn += x.packetCount;
		let packetsOut = 0;
		for (const s of cStats) for (const x of s ?? []) if (x.type === 'outbound-rtp') packetsOut += x.packetCount;
		g.bytesIn.set(bytesIn);
		g.bytesOut.set(bytesOut);
		g.packetsIn.set(packetsIn);
		g.packetsOut.set(packetsOut);
		workers.forEach((w, i) => {
			const u = usage[i];
			if (!u) return;
			const pid = String(w.pid);
			g.cpu.set({ pid, mode: 'user' }, u.ru_utime / 1000);
			g.cpu.set({ pid, mode: 'system' }, u.ru_stime / 1000);
			g.rss.set({ pid }, u.ru_maxrss * 1024);
		});
		return this.registry.metrics();
	}
}
