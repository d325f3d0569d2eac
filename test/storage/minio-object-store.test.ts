import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { expect } from 'chai';
import { Client } from 'minio';
import { MinioObjectStore, parseMinioEndpoint } from '../../storage/minio-object-store';
import { describeObjectStore } from './object-store.contract';

const MIB = 1024 * 1024;
/** The smallest part S3 allows, so the contract's 12 MiB bodies go through multipart uploads. */
const TEST_PART_SIZE = 5 * MIB;

interface MinioServer {
  endpoint: string;
  accessKey: string;
  secretKey: string;
}

function serverFromEnv(): MinioServer | undefined {
  const endpoint = process.env.MINIO_ENDPOINT;
  if (!endpoint) return undefined;
  const accessKey = process.env.MINIO_ACCESS_KEY;
  const secretKey = process.env.MINIO_SECRET_KEY;
  if (!accessKey || !secretKey) throw new Error('MINIO_ENDPOINT is set, so MINIO_ACCESS_KEY and MINIO_SECRET_KEY must be too');
  return { endpoint, accessKey, secretKey };
}

function adminClient(server: MinioServer): Client {
  return new Client({ ...parseMinioEndpoint(server.endpoint), accessKey: server.accessKey, secretKey: server.secretKey });
}

function randomBucketName(): string {
  return `tajrobe-test-${randomBytes(6).toString('hex')}`;
}

async function removeBucketAndContents(client: Client, bucket: string): Promise<void> {
  if (!(await client.bucketExists(bucket))) return;
  const names: string[] = [];
  for await (const item of client.listObjectsV2(bucket, '', true)) {
    if (item.name) names.push(item.name);
  }
  if (names.length > 0) await client.removeObjects(bucket, names);
  await client.removeBucket(bucket);
}

async function openUploads(client: Client, bucket: string, key: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const upload of client.listIncompleteUploads(bucket, key, true)) keys.push(`${upload.key} (${upload.uploadId})`);
  return keys;
}

describe('MinioObjectStore', function () {
  describe('against a MinIO server', function () {
    let server: MinioServer;

    before(function () {
      const fromEnv = serverFromEnv();
      if (fromEnv) {
        server = fromEnv;
        return;
      }
      if (process.env.CI === 'true') {
        throw new Error('MINIO_ENDPOINT is not set: under CI the MinIO contract suite must run');
      }
      console.log('      skipped: set MINIO_ENDPOINT to run against a MinIO server; .ci/run builds and starts one');
      this.skip();
    });

    describeObjectStore('minio', async () => {
      const bucket = randomBucketName();
      const store = new MinioObjectStore({ ...server, bucket, partSize: TEST_PART_SIZE });
      await store.init();
      const client = adminClient(server);
      return {
        store,
        cleanup: () => removeBucketAndContents(client, bucket),
        leftovers: (key) => openUploads(client, bucket, key),
      };
    });

    describe('bucket handling', function () {
      const bucket = randomBucketName();
      let client: Client;

      before(function () {
        client = adminClient(server);
      });

      after(async function () {
        if (client) await removeBucketAndContents(client, bucket);
      });

      it('fails ping while the bucket is missing, and init creates it, twice without harm', async function () {
        const store = new MinioObjectStore({ ...server, bucket });
        try {
          await store.ping();
          expect.fail('ping resolved without a bucket');
        } catch (error) {
          expect((error as Error).message).to.include(`has no bucket ${bucket}`);
        }
        await store.init();
        await store.init();
        await store.ping();
        expect(await client.bucketExists(bucket)).to.equal(true);
      });

      it('fails init loudly with wrong credentials', async function () {
        const store = new MinioObjectStore({ ...server, secretKey: `${server.secretKey}-wrong`, bucket });
        try {
          await store.init();
          expect.fail('init resolved with a wrong secret key');
        } catch (error) {
          expect((error as Error).message).to.include(`MinIO at ${server.endpoint}`);
        }
      });
    });
  });

  describe('an unreachable server', function () {
    const credentials = { accessKey: 'tajrobe', secretKey: 'not-a-real-secret', bucket: 'tajrobe-unreachable' };

    it('rejects init within a few seconds when nothing listens', async function () {
      const store = new MinioObjectStore({ ...credentials, endpoint: 'http://127.0.0.1:1' });
      const started = Date.now();
      const error = await rejectionOf(store.init());
      expect(Date.now() - started).to.be.below(5_000);
      expect((error as Error).message).to.match(/MinIO at http:\/\/127\.0\.0\.1:1 .*ECONNREFUSED/);
    });

    describe('that accepts connections and never answers', function () {
      const sockets = new Set<net.Socket>();
      const silent = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      let endpoint: string;

      before(async function () {
        await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
        endpoint = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
      });

      after(async function () {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      });

      for (const step of ['init', 'ping'] as const) {
        it(`rejects ${step} after the reachability timeout`, async function () {
          const store = new MinioObjectStore({ ...credentials, endpoint, reachabilityTimeoutMs: 300 });
          const started = Date.now();
          const error = await rejectionOf(store[step]());
          expect(Date.now() - started).to.be.within(250, 3_000);
          expect((error as Error).message).to.include('no answer within 300 ms');
        });
      }
    });
  });

  describe('parseMinioEndpoint', function () {
    it('reads host, port and TLS from the URL', function () {
      expect(parseMinioEndpoint('http://127.0.0.1:9000')).to.deep.equal({ endPoint: '127.0.0.1', port: 9000, useSSL: false });
      expect(parseMinioEndpoint('https://s3.example.org')).to.deep.equal({ endPoint: 's3.example.org', port: 443, useSSL: true });
      expect(parseMinioEndpoint('http://minio')).to.deep.equal({ endPoint: 'minio', port: 80, useSSL: false });
      expect(parseMinioEndpoint('http://[::1]:9000')).to.deep.equal({ endPoint: '::1', port: 9000, useSSL: false });
    });

    it('refuses what is not an http(s) URL', function () {
      expect(() => parseMinioEndpoint('127.0.0.1:9000')).to.throw();
      expect(() => parseMinioEndpoint('ftp://127.0.0.1')).to.throw(TypeError);
    });
  });
});

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, it resolved');
}
