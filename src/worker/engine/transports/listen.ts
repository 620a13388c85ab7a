import * as net from 'node:net';
import { UdpSocket } from '../../net/UdpSocket';
import { TcpServer } from '../../net/TcpServer';
import { portChoiceFor } from '../../net/ports';
import type { WorkerContext } from '../context';
import type { WireListenInfo } from './common';

export type BoundListenInfo =
	| { protocol: 'udp'; socket: UdpSocket; tcpServer?: undefined; listenInfo: WireListenInfo }
	| { protocol: 'tcp'; socket?: undefined; tcpServer: TcpServer; listenInfo: WireListenInfo };

/** Checks what the worker cannot trust blindly (the application validated it already). */
export function checkWireListenInfo(listenInfo: unknown, what = 'listenInfo'): asserts listenInfo is WireListenInfo {
	const info = listenInfo as WireListenInfo;

	if (typeof info !== 'object' || info === null) {
		throw new TypeError(`wrong ${what} (not an object)`);
	}
	if (info.protocol !== 'udp' && info.protocol !== 'tcp') {
		throw new TypeError(`invalid ${what}.protocol (must be 'udp' or 'tcp')`);
	}
	if (typeof info.ip !== 'string' || net.isIP(info.ip) === 0) {
		throw new TypeError(`invalid ${what}.ip '${String(info.ip)}'`);
	}
	if (info.portRange && info.portRange.min > info.portRange.max) {
		throw new TypeError(`wrong ${what}.portRange (min > max)`);
	}
}

/** Binds the socket (UDP) or server (TCP) a listen info asks for. */
export async function bindListenInfo(listenInfo: WireListenInfo, ctx: WorkerContext): Promise<BoundListenInfo> {
	const choice = portChoiceFor(listenInfo, ctx.settings);

	if (listenInfo.protocol === 'udp') {
		const socket = await UdpSocket.bind({
			ip: listenInfo.ip,
			choice,
			flags: listenInfo.flags,
			sendBufferSize: listenInfo.sendBufferSize,
			recvBufferSize: listenInfo.recvBufferSize,
		});

		return { protocol: 'udp', socket, listenInfo };
	}

	const tcpServer = await TcpServer.bind({ ip: listenInfo.ip, choice, flags: listenInfo.flags });

	return { protocol: 'tcp', tcpServer, listenInfo };
}

/**
 * Binds them all, in order; if one fails, closes those already bound and
 * rethrows (nothing leaks).
 */
export async function bindListenInfos(listenInfos: WireListenInfo[], ctx: WorkerContext): Promise<BoundListenInfo[]> {
	const bound: BoundListenInfo[] = [];

	try {
		for (const listenInfo of listenInfos) {
			bound.push(await bindListenInfo(listenInfo, ctx));
		}
	} catch (error) {
		closeBound(bound);
		throw error;
	}

	return bound;
}

export function closeBound(bound: readonly BoundListenInfo[]): void {
	for (const item of bound) {
		item.socket?.close();
		item.tcpServer?.close();
	}
}

export function localAddressOf(item: BoundListenInfo): { localIp: string; localPort: number } {
	const handle = item.socket ?? item.tcpServer!;

	return { localIp: handle.localIp, localPort: handle.localPort };
}
