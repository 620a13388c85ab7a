export * from './constants';
export * from './prf';
export * from './record';
export * from './handshake';
export * from './keyexchange';
export * from './endpoint';
