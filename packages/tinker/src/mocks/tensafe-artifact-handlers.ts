import { HttpResponse, http } from 'msw';
import { type HandlerGroup, routeError } from './tensafe-mock-http.js';

/** An artifact's ciphertext, streamed in `chunkSize` chunks with the server's encryption headers. */
export const artifactHandlers: HandlerGroup = ({ v1, state, route, chunkSize }) => [
  http.get(
    `${v1}/artifacts/:artifactId/content`,
    route(({ params, tenantId }) => {
      const artifact = state.artifacts.get(String(params.artifactId));
      if (!artifact || artifact.tenant_id !== tenantId) {
        return routeError(404, 'ARTIFACT_NOT_FOUND', `Artifact '${String(params.artifactId)}' not found`);
      }
      const bytes = artifact.ciphertext;
      let offset = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (offset >= bytes.byteLength) {
            controller.close();
            return;
          }
          controller.enqueue(bytes.slice(offset, offset + chunkSize));
          offset += chunkSize;
        },
      });
      return new HttpResponse(body, {
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(bytes.byteLength),
          'content-disposition': `attachment; filename="${artifact.artifact_id}.enc"`,
          'x-encryption-algorithm': 'AES-256-GCM',
          'x-encryption-key-id': artifact.key_id,
        },
      });
    }),
  ),
];
