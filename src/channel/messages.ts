/**
 * The contract between the application process (src/api) and the worker
 * process (src/worker). Messages are structured-clone values (V8 serializer),
 * so Buffers travel as binary, never base64.
 *
 * api -> worker:  Request, Notification
 * worker -> api:  Response, WorkerNotification, LogMessage
 */

/** The handler id of the worker itself (requests about the whole process). */
export const WORKER_HANDLER_ID = '';

export type Request = {
	t: 'req';
	id: number;
	method: string;
	/** Id of the object that handles the request ('' for the worker). */
	handlerId: string;
	data?: any;
};

export type Notification = {
	t: 'ntf';
	event: string;
	handlerId: string;
	data?: any;
};

/** Error classes a response may name; the api side rebuilds the same class. */
export type ErrorName = 'Error' | 'TypeError' | 'UnsupportedError' | 'InvalidStateError';

export type Response =
	| { t: 'res'; id: number; ok: true; data?: any }
	| { t: 'res'; id: number; ok: false; error: ErrorName; reason: string };

export type WorkerNotification = {
	t: 'evt';
	/** Id of the object the event is about (the worker pid as string for the process). */
	targetId: string;
	event: string;
	data?: any;
};

export type LogLevel = 'debug' | 'warn' | 'error';

export type LogMessage = {
	t: 'log';
	level: LogLevel;
	/** Worker-side module that logged, e.g. 'Router' or 'WebRtcTransport'. */
	source: string;
	msg: string;
};

export type ApiToWorker = Request | Notification;
export type WorkerToApi = Response | WorkerNotification | LogMessage;

/** Exit code of a worker that refused its settings (as mediasoup's worker). */
export const WRONG_SETTINGS_EXIT_CODE = 42;
