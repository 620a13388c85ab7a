/** Test helper: runs one of our associations over a real UDP socket (loopback) in real time. */
import * as dgram from 'node:dgram';
import { SctpAssociation, type SctpAssociationOptions } from '../../../src/proto/sctp';

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
			this.assoc.handlePacket(buf, this.now());
			this.flush();
		});
	}

	now(): number {
		return performance.now() - this.t0;
	}

	async bind(): Promise<number> {
		await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
		return this.socket.address().port;
	}

	flush(): void {
		if (this.closed) return;
		for (const p of this.assoc.pollOutgoing()) if (this.peer) this.socket.send(p, this.peer.port, this.peer.address);
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
