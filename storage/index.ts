export * from './object-store';
export * from './fs-object-store';
export * from './minio-object-store';
