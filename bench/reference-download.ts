/**
 * The floor bench/upload.ts compares the portal's download with: the least an Express server does to
 * send the same stored object, run as a child process like the portal (`node --import tsx`).
 *
 *   REF_STORE=fs    REF_FILE=<path of the stored object>      → `res.sendFile(REF_FILE)`
 *   REF_STORE=minio REF_BUCKET=… REF_KEY=… MINIO_ENDPOINT=… MINIO_ACCESS_KEY=… MINIO_SECRET_KEY=…
 *                                                              → a plain `getObject` piped to the response
 *
 * Serves GET /file on 127.0.0.1:$PORT (and GET /healthz), no authentication, no database, no audit.
 */
import express from 'express';
import { Client } from 'minio';
import { parseMinioEndpoint } from '../storage/minio-object-store';

const app = express();
const port = Number(process.env.PORT);

app.get('/healthz', (_req, res) => void res.send('ok'));

if (process.env.REF_STORE === 'fs') {
  const file = process.env.REF_FILE!;
  app.get('/file', (_req, res, next) => res.sendFile(file, { headers: { 'content-type': 'application/octet-stream' } }, (error) => error && next(error)));
} else if (process.env.REF_STORE === 'minio') {
  const client = new Client({ ...parseMinioEndpoint(process.env.MINIO_ENDPOINT!), accessKey: process.env.MINIO_ACCESS_KEY!, secretKey: process.env.MINIO_SECRET_KEY! });
  const bucket = process.env.REF_BUCKET!;
  const key = process.env.REF_KEY!;
  app.get('/file', async (_req, res, next) => {
    try {
      const { size } = await client.statObject(bucket, key);
      const body = await client.getObject(bucket, key);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
      body.once('error', (error) => res.destroy(error));
      body.pipe(res);
    } catch (error) {
      next(error);
    }
  });
} else {
  throw new Error(`REF_STORE is fs or minio, not ${process.env.REF_STORE}`);
}

app.listen(port, '127.0.0.1');
