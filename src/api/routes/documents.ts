import { createRoute, z } from '@hono/zod-openapi';
import { ItemDocumentSchema, PageImageParams } from '../../contract/documents.ts';
import { InvalidRequestError } from '../../runs/errors.ts';
import { itemDocument, itemPageImage } from '../../runs/item-document.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { answers, createRouter, ErrorResponses, IdParams } from '../openapi.ts';
import { issuesOf } from '../errors.ts';

const pageImageRoute = createRoute({
  method: 'get',
  path: '/queue/{id}/document/pages/{page}.png',
  summary: "A page of the item's document as an image, for the page viewer",
  description:
    'A PDF page drawn at 144 DPI; an image upload (PNG, JPEG, a TIFF page) as itself, in PNG. Word boxes and value sources are in the ' +
    "page's units (`width`, `height` of the page in `GET /queue/{id}/document`): scale them by the image's width over the page's. " +
    '404 for a page the document does not have, and for text, HTML and DOCX, which have no drawn pages.',
  request: { params: z.object({ id: z.uuid(), page: z.string().regex(/^\d+$/) }) },
  responses: {
    200: { description: 'the page as PNG', content: { 'image/png': { schema: z.string().meta({ format: 'binary' }) } } },
    ...ErrorResponses,
  },
});

export function documentRoutes(deps: ApiDependencies) {
  const router = createRouter().openapi(
    createRoute({
      method: 'get',
      path: '/queue/{id}/document',
      summary: "The item's document: the upload as stored and the pages its run read",
      request: { params: IdParams },
      responses: answers(200, ItemDocumentSchema, "the document; `pages` is empty until the item's first run has read it"),
    }),
    async (c) => c.json(await itemDocument(deps, c.req.valid('param').id), 200),
  );
  // `{page}.png` is one path segment, which the OpenAPI router cannot declare: the route is
  // documented as above and served by Hono's own pattern, its parameters checked here.
  router.openAPIRegistry.registerPath(pageImageRoute);
  router.get('/queue/:id/document/pages/:page{[0-9]+\\.png}', async (c) => {
    const parsed = PageImageParams.safeParse({ id: c.req.param('id'), page: c.req.param('page').replace(/\.png$/, '') });
    if (!parsed.success) throw new InvalidRequestError('invalid_request', 'the request does not match its schema', issuesOf(parsed.error));
    const image = await itemPageImage(deps, parsed.data.id, parsed.data.page);
    // A stored upload never changes, so neither does a page drawn from it.
    return c.body(new Uint8Array(image.png), 200, { 'content-type': 'image/png', 'cache-control': 'private, max-age=86400, immutable' });
  });
  return router;
}
