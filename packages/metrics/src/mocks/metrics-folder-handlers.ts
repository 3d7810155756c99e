import { HttpResponse } from 'msw';
import type { components } from '../generated/metrics.js';
import { type HandlerGroup, invalid, metricsError, once, orgAuth, pageAnswer, reply } from './metrics-mock-http.js';

type Schemas = components['schemas'];

/** Folders: list (by parent, by name), create, get, rename/describe, move (no cycles, unique names among siblings). */
export const folderHandlers: HandlerGroup = (context) => {
  const { api, state, http } = context;
  const taken = (name: string) => reply(409, 'folder_exists', `A folder named ${name} already exists there.`);
  return [
    http.get(`${api}/folders`, ({ request }) => {
      const denied = orgAuth(context, request);
      if (denied) return denied;
      const url = new URL(request.url);
      const parentId = url.searchParams.get('parent_id');
      const folders = [...state.folders.values()]
        .filter((folder) => parentId === null || folder.parent_id === parentId)
        .sort((left, right) => left.name.localeCompare(right.name))
        .map((folder) => state.showFolder(folder));
      return pageAnswer(folders, url, 'folders', 100);
    }),
    http.post(
      `${api}/folders`,
      ({ request }) =>
        orgAuth(context, request) ??
        once(context, request, (raw) => {
          const body = raw as Schemas['CreateFolderRequest'] | undefined;
          if (typeof body?.name !== 'string' || body.name === '' || body.name.includes('/'))
            return invalid('name is required and must not contain /.');
          const parentId = body.parent_id ?? null;
          if (parentId !== null && !state.folders.has(parentId)) return reply(404, 'not_found', `No folder ${parentId}.`);
          if (state.siblingNamed(body.name, parentId)) return taken(body.name);
          const folder = state.createFolder(body.name, parentId, body.description ?? null, body.metadata ?? {});
          return { status: 201, body: { folder: state.showFolder(folder) } };
        }),
    ),
    http.get(`${api}/folders/:folderId`, ({ request, params }) => {
      const denied = orgAuth(context, request);
      if (denied) return denied;
      const folder = state.folders.get(String(params.folderId));
      return folder
        ? HttpResponse.json({ folder: state.showFolder(folder) })
        : metricsError(404, 'not_found', `No folder ${String(params.folderId)}.`);
    }),
    http.patch(
      `${api}/folders/:folderId`,
      ({ request, params }) =>
        orgAuth(context, request) ??
        once(context, request, (raw) => {
          const folder = state.folders.get(String(params.folderId));
          if (!folder) return reply(404, 'not_found', `No folder ${String(params.folderId)}.`);
          const body = (raw ?? {}) as Schemas['PatchFolderRequest'];
          if (Object.keys(body).length === 0) return invalid('Nothing to change.');
          if (body.name !== undefined) {
            if (body.name === '' || body.name.includes('/')) return invalid('name must not be empty or contain /.');
            if (state.siblingNamed(body.name, folder.parent_id, folder.id)) return taken(body.name);
            folder.name = body.name;
          }
          if (body.description !== undefined) folder.description = body.description;
          if (body.metadata !== undefined) folder.metadata = body.metadata;
          folder.updated_at = state.iso();
          return { status: 200, body: { folder: state.showFolder(folder) } };
        }),
    ),
    http.post(
      `${api}/folders/:folderId/move`,
      ({ request, params }) =>
        orgAuth(context, request) ??
        once(context, request, (raw) => {
          const folder = state.folders.get(String(params.folderId));
          if (!folder) return reply(404, 'not_found', `No folder ${String(params.folderId)}.`);
          const parentId = (raw as { parent_id?: string | null } | undefined)?.parent_id;
          if (parentId === undefined) return invalid('parent_id is required (null for the top level).');
          if (parentId !== null && !state.folders.has(parentId)) return reply(404, 'not_found', `No folder ${parentId}.`);
          for (let current: string | null = parentId; current; current = state.folders.get(current)?.parent_id ?? null)
            if (current === folder.id) return reply(409, 'folder_cycle', 'A folder cannot move into itself or its descendants.');
          if (state.siblingNamed(folder.name, parentId, folder.id)) return taken(folder.name);
          folder.parent_id = parentId;
          folder.updated_at = state.iso();
          return { status: 200, body: { folder: state.showFolder(folder) } };
        }),
    ),
  ];
};
