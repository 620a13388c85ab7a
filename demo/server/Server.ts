/**
 * The demo server: media workers, HTTP(S) for the page and /metrics, and the
 * WebSocket signaling endpoint (/ws?roomId=...). Rooms are created when their
 * first client connects, on the next worker in round-robin order, and closed
 * when their last client goes.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import * as mediasoup from '../../src';
import type { types } from '../../src';
import type { DemoConfig } from './config';
import type { Logger } from './log';
import { Connection } from './Connection';
import { Metrics } from './metrics';
import { Room } from './Room';

export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The only files served: no path from the URL ever reaches the file system. */
const staticFiles: Record<string, { file: string; type: string }> = {
	'/': { file: 'index.html', type: 'text/html; charset=utf-8' },
	'/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
	'/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
	'/app.js.map': { file: 'app.js.map', type: 'application/json' },
	'/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

export type DemoServer = {
	/** Where to open the page. */
	url: string;
	port: number;
	workers: types.Worker[];
	rooms: Map<string, Room>;
	/** Graceful shutdown: peers told, rooms and workers closed, sockets closed. */
	close(): Promise<void>;
};

export async function startDemoServer(config: DemoConfig, log: Logger): Promise<DemoServer> {
	const workers: types.Worker[] = [];
	const rooms = new Map<string, Room>();
	const creating = new Map<string, Promise<Room>>();
	let nextWorker = 0;
	let shuttingDown = false;
	const connectionsPerIp = new Map<string, number>();

	mediasoup.setLogEventListeners({
		onwarn: (namespace, msg) => log.warn(msg, { namespace }),
		onerror: (namespace, msg, error) => log.error(msg, { namespace, error }),
	});

	for (let i = 0; i < config.numWorkers; i++) {
		const worker = await mediasoup.createWorker({
			logLevel: config.workerLogLevel,
			rtcMinPort: config.rtcMinPort,
			rtcMaxPort: config.rtcMaxPort,
			appData: { index: i },
		});
		worker.on('died', (error) => {
			// Its rooms closed with it (router 'workerclose'); the clients reconnect and land elsewhere.
			log.error('worker died', { pid: worker.pid, error });
			const at = workers.indexOf(worker);
			if (at >= 0) workers.splice(at, 1);
		});
		workers.push(worker);
		log.info('worker started', { index: i, pid: worker.pid });
	}

	async function getRoom(roomId: string): Promise<Room> {
		const existing = rooms.get(roomId);
		if (existing && !existing.closed) return existing;
		let pending = creating.get(roomId);
		if (!pending) {
			const live = workers.filter((w) => !w.closed);
			if (live.length === 0) throw new Error('no worker alive');
			const worker = live[nextWorker++ % live.length];
			pending = Room.create(roomId, worker, config, log, () => {
				if (rooms.get(roomId) === room) rooms.delete(roomId);
			});
			let room: Room | undefined;
			pending.then((r) => {
				room = r;
				rooms.set(roomId, r);
			}, () => undefined).finally(() => creating.delete(roomId));
			creating.set(roomId, pending);
		}
		return pending;
	}

	const metrics = new Metrics({ workers: () => workers, rooms: () => [...rooms.values()] });
	const publicDir = config.publicDir ?? path.join(__dirname, '..', 'public');

	const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
		const url = new URL(req.url ?? '/', 'http://x');
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { allow: 'GET, HEAD' }).end();
			return;
		}
		if (url.pathname === '/metrics') {
			metrics.render().then(
				(text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
				(error) => {
					log.error('metrics failed', { error });
					res.writeHead(500).end();
				},
			);
			return;
		}
		if (url.pathname === '/favicon.ico') {
			res.writeHead(204).end();
			return;
		}
		if (url.pathname === '/healthz') {
			res.writeHead(shuttingDown ? 503 : 200, { 'content-type': 'text/plain' }).end(shuttingDown ? 'shutting down\n' : 'ok\n');
			return;
		}
		const entry = staticFiles[url.pathname];
		if (!entry) {
			res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
			return;
		}
		fs.readFile(path.join(publicDir, entry.file), (error, body) => {
			if (error) {
				res.writeHead(404, { 'content-type': 'text/plain' }).end('page not built: run npm start\n');
				return;
			}
			res.writeHead(200, {
				'content-type': entry.type,
				'cache-control': 'no-cache',
				'x-content-type-options': 'nosniff',
				'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; media-src 'self' blob: mediastream:; img-src 'self' data:",
			}).end(body);
		});
	};

	const tls = config.tlsCert !== undefined && config.tlsKey !== undefined;
	const server = tls
		? https.createServer({ cert: fs.readFileSync(config.tlsCert!), key: fs.readFileSync(config.tlsKey!) }, onRequest)
		: http.createServer(onRequest);

	const wss = new WebSocketServer({ noServer: true, maxPayload: config.limits.maxMessageBytes });
	server.on('upgrade', (req, socket, head) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const roomId = url.searchParams.get('roomId') ?? '';
		const reject = (status: number, why: string): void => {
			log.warn('websocket refused', { why, remote: req.socket.remoteAddress });
			socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nconnection: close\r\n\r\n`);
		};
		if (url.pathname !== '/ws') return reject(404, 'path');
		if (shuttingDown) return reject(503, 'shutting down');
		if (!ROOM_ID_PATTERN.test(roomId)) return reject(400, 'bad roomId');
		if (!rooms.has(roomId) && !creating.has(roomId) && rooms.size + creating.size >= config.limits.maxRooms) {
			return reject(503, 'too many rooms');
		}
		const ip = req.socket.remoteAddress ?? '';
		if ((connectionsPerIp.get(ip) ?? 0) >= config.limits.maxConnectionsPerIp) return reject(429, 'too many connections');
		// A page from another site must not drive a visitor's session (cross-site WebSocket hijacking).
		const origin = req.headers.origin;
		if (origin !== undefined) {
			let originHost = '';
			try {
				originHost = new URL(origin).host;
			} catch { /* refused below */ }
			if (originHost !== req.headers.host) return reject(403, 'origin');
		}
		wss.handleUpgrade(req, socket, head, (ws) => {
			const conn = new Connection(ws, config.limits, log.child({ roomId }));
			connectionsPerIp.set(ip, (connectionsPerIp.get(ip) ?? 0) + 1);
			conn.onClose(() => {
				const n = (connectionsPerIp.get(ip) ?? 1) - 1;
				if (n > 0) connectionsPerIp.set(ip, n);
				else connectionsPerIp.delete(ip);
			});
			getRoom(roomId).then((room) => {
				if (conn.closed) {
					// Others waiting for the same room get in first (their callbacks run before setImmediate).
					setImmediate(() => {
						if (room.peers.size === 0) room.close();
					});
					return;
				}
				if (!room.addConnection(conn)) conn.close(1013, room.closed ? 'room closed, try again' : 'room is full');
			}, (error) => {
				log.error('room creation failed', { roomId, error });
				conn.close(1011, 'room creation failed');
			});
		});
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.listenIp, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const host = config.listenIp === '0.0.0.0' || config.listenIp === '::' ? config.announcedAddress! : config.listenIp;
	const hostPart = host.includes(':') ? `[${host}]` : host;
	const url = `${tls ? 'https' : 'http'}://${hostPart}:${port}/`;

	async function close(): Promise<void> {
		if (shuttingDown) return;
		shuttingDown = true;
		log.info('shutting down', { rooms: rooms.size });
		await Promise.allSettled(creating.values());
		for (const room of [...rooms.values()]) room.close(true);
		for (const ws of wss.clients) ws.close(1001, 'server shutting down');
		for (const worker of workers) worker.close();
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections?.();
		});
		wss.close();
		log.info('shut down');
	}

	return { url, port, workers, rooms, close };
}
