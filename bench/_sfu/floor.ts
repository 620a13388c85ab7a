/**
 * The least a Node.js SFU does per packet, as a child process of bench/node-floor.ts: one ingest
 * UDP socket; every datagram is copied, given a new sequence number per destination, and sent on
 * each of N connected sockets. Same socket layer as broth's worker (src/worker/net/UdpSocket: the
 * UDP handle's onmessage, connected raw-handle sends), no RTP parsing, no SRTP, no state.
 *
 * Requests: setup {ports} -> {port, pid}, count -> datagrams received.
 */
import { UdpSocket } from '../../src/worker/net/UdpSocket';
import { serve, sleep } from './common';

let received = 0;

serve({
	async setup({ ports, recvBufferSize }: { ports: number[]; recvBufferSize: number }) {
		const choice = { min: 20000, max: 60000 };
		const ingest = await UdpSocket.bind({ ip: '127.0.0.1', choice, recvBufferSize });
		const outs: UdpSocket[] = [];

		for (const port of ports) {
			const out = await UdpSocket.bind({ ip: '127.0.0.1', choice });

			out.connectTo('127.0.0.1', port);
			outs.push(out);
		}
		while (!outs.every((o) => o.connected)) {
			await sleep(5);
		}

		const seqs = new Uint16Array(outs.length);
		const scratch = Buffer.allocUnsafeSlow(2048);
		const views: Buffer[] = [];

		ingest.onPacket = (data) => {
			received++;

			const length = data.length;
			const view = views[length] ?? (views[length] = scratch.subarray(0, length));

			for (let i = 0; i < outs.length; i++) {
				view.set(data);
				view[2] = seqs[i]! >>> 8;
				view[3] = seqs[i]!;
				seqs[i]++;
				outs[i]!.send(view, ports[i]!, '127.0.0.1');
			}
		};

		return { port: ingest.localPort, pid: process.pid };
	},
	count() {
		return received;
	},
});
