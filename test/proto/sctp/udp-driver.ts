/** Test helper: runs one of our associations over a real UDP socket (loopback) in real time. */
import * as dgram from 'node:dgram';
import { ChunkType, SctpAssociation, decodeChunk, decodeData, parsePacket, type SctpAssociationOptions } from '../../../src/proto/sctp';

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(ChunkType).map(([k, v]) => [v, k]));
const TRACE = process.env.SCTP_TRACE !== undefined && process.env.SCTP_TRACE !== '';
const T0 = performance.now();

/** One line per packet: verification tag and chunks (with the fields that matter for the handshake). */
export function describePacket(buf: Buffer): string {
	const pkt = parsePacket(buf, false);
	if (!pkt) return `malformed ${buf.length} bytes`;
	const parts: string[] = [];
	let data = 0;
	let firstTsn = -1;
	let lastTsn = -1;
	for (const raw of pkt.chunks) {
		if (raw.type === ChunkType.DATA) {
			const d = decodeData(raw);
			if (d) {
				if (data++ === 0) firstTsn = d.tsn;
				lastTsn = d.tsn;
			}
			continue;
		}
		const c = decodeChunk(raw);
		const name = NAMES[raw.type] ?? `type${raw.type}`;
		if (c?.kind === 'init' || c?.kind === 'init-ack') parts.push(`${name}(itag=${c.initiateTag.toString(16)} tsn=${c.initialTsn})`);
		else if (c?.kind === 'sack') parts.push(`SACK(cum=${c.cumulativeTsnAck} gaps=${c.gapBlocks.length} rwnd=${c.aRwnd})`);
		else if (c?.kind === 'cookie-echo') parts.push(`COOKIE_ECHO(${c.cookie.length}B)`);
		else parts.push(name);
	}
	if (data > 0) parts.push(`DATA x${data} tsn ${firstTsn}..${lastTsn}`);
	return `vtag=${pkt.verificationTag.toString(16)} ${parts.join(' ')}`;
}

/** With SCTP_TRACE set: logs a packet to stderr (who saw it, which way). */
export function trace(who: string, dir: 'in' | 'out', buf: Buffer): void {
	if (TRACE) process.stderr.write(`[sctp ${(performance.now() - T0).toFixed(1).padStart(8)}] ${who} ${dir === 'in' ? '<-' : '->'} ${describePacket(buf)}\n`);
}

export class UdpDriver {
	readonly socket: dgram.Socket;
	readonly assoc: SctpAssociation;
	private timer: NodeJS.Timeout | undefined;
	private closed = false;
	private readonly t0 = performance.now();
	peer: { address: string; port: number } | undefined;

	constructor(options: SctpAssociationOptions) {
		this.socket = dgram.createSocket('udp4');
		this.assoc = new SctpAssociation(options);
		this.socket.on('message', (buf, rinfo) => {
			this.peer ??= { address: rinfo.address, port: rinfo.port };
			trace('ours', 'in', buf);
			this.assoc.handlePacket(buf, this.now());
			this.flush();
		});
	}

	now(): number {
		return performance.now() - this.t0;
	}

	async bind(): Promise<number> {
		await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
		// Bursts of 64 KiB messages overflow the default 208 KiB loopback buffer
		// on a loaded machine; loss here is not what these tests are about.
		enlargeSocketBuffers(this.socket);
		return this.socket.address().port;
	}

	flush(): void {
		if (this.closed) return;
		for (const p of this.assoc.pollOutgoing()) {
			if (!this.peer) continue;
			trace('ours', 'out', p);
			this.socket.send(p, this.peer.port, this.peer.address);
		}
		if (this.timer) clearTimeout(this.timer);
		const next = this.assoc.nextTimeoutMs();
		if (next !== undefined) {
			this.timer = setTimeout(() => {
				this.timer = undefined;
				this.assoc.handleTimeout(this.now());
				this.flush();
			}, Math.max(0, next - this.now()) + 1);
		}
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		if (this.timer) clearTimeout(this.timer);
		this.socket.close();
	}
}

/** Socket buffers as large as the kernel allows (net.core.rmem_max/wmem_max). */
export function enlargeSocketBuffers(socket: dgram.Socket): void {
	for (const size of [4 << 20, 1 << 20]) {
		try {
			socket.setRecvBufferSize(size);
			socket.setSendBufferSize(size);

			return;
		} catch {
			// try a smaller size
		}
	}
}
